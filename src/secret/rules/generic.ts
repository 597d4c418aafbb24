import type { SecretRuleSpec } from "../types.js";
import { ASSIGN } from "./helpers.js";

/** Words that mark a value as a placeholder, a reference or documentation rather than a secret. */
const GENERIC_STOPWORDS = [
  "password",
  "passwd",
  "secret",
  "changeme",
  "change_me",
  "example",
  "sample",
  "dummy",
  "placeholder",
  "your",
  "redacted",
  "test",
  "fake",
  "null",
  "undefined",
  "true",
  "false",
  "none",
  "string",
  "required",
  "optional",
  "process.env",
  "getenv",
  "environ",
  "config",
  "setting",
  "option",
  "param",
  "value",
  "token",
  "default",
  "mock",
  "localhost",
];

/** The value: no quotes, spaces, brackets or `$` (those mean code or a reference, not a literal). */
const VALUE_CHARS = "A-Za-z0-9!#%&*+./:=?@^_|~-";

/** Last resort rules: a credential-looking name assigned a random-looking literal. */
export const genericRules: SecretRuleSpec[] = [
  {
    id: "generic-password",
    title: "Password assigned in plain text",
    severity: "MEDIUM",
    keywords: ["pass", "pwd"],
    regex: `(?:password|passwd|passphrase|pwd)[A-Za-z0-9_.-]{0,30}${ASSIGN}([${VALUE_CHARS}]{8,100})(?![(\\[${VALUE_CHARS}])`,
    flags: "i",
    secretGroup: 1,
    entropy: 3,
    anchored: true,
    allowlist: { stopwords: GENERIC_STOPWORDS },
  },
  {
    id: "generic-api-key",
    title: "Secret, token or API key assigned in plain text",
    severity: "MEDIUM",
    keywords: [
      "secret",
      "token",
      "api_key",
      "apikey",
      "api-key",
      "access_key",
      "accesskey",
      "access-key",
      "private_key",
      "privatekey",
      "private-key",
      "auth_key",
      "authkey",
      "auth-key",
      "credential",
    ],
    regex:
      `(?:secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|credential)[A-Za-z0-9_.-]{0,30}${ASSIGN}` +
      // At least one digit: names, words and identifiers are not keys.
      `(?=[A-Za-z+/_=.-]{0,199}[0-9])([A-Za-z0-9+/_=.-]{16,200})(?![A-Za-z0-9+/_=.(\\[-])`,
    flags: "i",
    secretGroup: 1,
    entropy: 3.5,
    anchored: true,
    allowlist: { stopwords: GENERIC_STOPWORDS },
  },
];
