import type { SecretRuleSpec } from "../types.js";

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
const KEY_CHARS = "A-Za-z0-9+/_=.-";
/** `=`, `:`, `:=`, `=>` between a name and its value (the value's quote is matched by literal()). */
const ASSIGN_BARE = `["']?\\s{0,5}(?::=|=>|[:=])\\s{0,5}`;

/**
 * A literal value: either quoted (the closing quote within 100 characters) or bare and
 * ending the line or followed by a space or `#` comment, as in .env, YAML, ini and shell.
 * A bare word followed by `;`, `,` or `)` is code (`key: someVariable;`), not a literal.
 */
function literal(chars: string, min: number, max: number): string {
  const q = (c: string): string => `${c}(?=[^${c}\\r\\n]{${min},${max}}${c})`;
  return `(?:${q('"')}|${q("'")}|${q("`")}|(?=[${chars}]{${min},${max}}(?:[\\s#]|$)))([${chars}]{${min},${max}})(?=["'\`\\s#]|$)`;
}
/** Request ids and idempotency tokens are UUIDs; credentials with UUID shape have their own rules. */
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9])";

/**
 * Identifier endings that name something about a credential rather than hold it
 * (`*_SECRET_NAME`, `credentialId`, `token_url`, `password_file`), checked right before the `=`.
 */
const NAME_OF_SOMETHING_ELSE =
  "(?<!(?:name|names|id|ids|ref|path|file|url|uri|arn|type|length|len|header|field|prefix|pattern|endpoint|version|expiry|expires|ttl|count|hint|label|param|dir|policy|provider|mode|format|store|class)[\"']?)";
/** Values that are file names or paths: a credential file is a reference, not the credential. */
const FILE_NAMES = [
  "\\.(?:json|ya?ml|toml|ini|pem|key|crt|cer|der|p12|pfx|jks|txt|env|js|mjs|ts|py|rb|go|java|html?|xml|conf|cfg|properties)$",
  "^(?:\\.{0,2}/|~/)",
];

/** Last resort rules: a credential-looking name assigned a random-looking literal. */
export const genericRules: SecretRuleSpec[] = [
  {
    id: "generic-password",
    title: "Password assigned in plain text",
    detection: "keyword-context",
    severity: "MEDIUM",
    keywords: ["pass", "pwd"],
    regex:
      `(?:password|passwd|passphrase|pwd)[A-Za-z0-9_.-]{0,30}${NAME_OF_SOMETHING_ELSE}${ASSIGN_BARE}(?!["'\`]?\\d{4}-\\d{2}-\\d{2})` +
      // A digit or symbol somewhere: prose ("password: Admin-based") is not a password.
      `(?=["'\`]?[A-Za-z._-]{0,99}[0-9!#%&*+?@^|~])${literal(VALUE_CHARS, 8, 100)}`,
    flags: "i",
    secretGroup: 1,
    entropy: 3,
    anchored: true,
    allowlist: { stopwords: GENERIC_STOPWORDS, regexes: FILE_NAMES },
  },
  {
    id: "generic-api-key",
    title: "Secret, token or API key assigned in plain text",
    detection: "keyword-context",
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
      // Pagination and idempotency "tokens" are not credentials.
      "(?<![:/])(?<!(?:next|continuation|pagination|page|starting|client|idempotency|cursor|sync|resume|csrf|xsrf|cancellation|public|publishable|site|verify|verification|device|push|fcm|notification)[_-]?)" +
      `(?:secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|credential)[A-Za-z0-9_.-]{0,30}${NAME_OF_SOMETHING_ELSE}${ASSIGN_BARE}` +
      // At least one digit: names, words and identifiers are not keys.
      `(?=["'\`]?[A-Za-z+/_=.-]{0,199}[0-9])(?!["'\`]?${UUID})${literal(KEY_CHARS, 16, 200)}`,
    flags: "i",
    secretGroup: 1,
    entropy: 3.5,
    anchored: true,
    allowlist: { stopwords: GENERIC_STOPWORDS, regexes: FILE_NAMES },
  },
];
