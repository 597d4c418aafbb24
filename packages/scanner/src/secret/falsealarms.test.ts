import { describe, expect, it } from "vitest";
import { compileRule } from "./compile.js";
import { SecretEngine } from "./engine.js";
import { builtinRules } from "./rules/index.js";

const engine = new SecretEngine(builtinRules.map(compileRule));
const scan = (line: string): string[] =>
  engine.scanText("app/config.env", `# settings\n${line}\n`).map((h) => `${h.ruleId}: ${line}`);

describe("false alarms: every built-in rule together stays quiet on", () => {
  it("identifiers that name a credential without holding it", () => {
    const lines = [
      'credentialId = "c7d9e2f1a4b86e0d5c3a"',
      'const credentialId = "cred9f8e7d6c5b4a3921"',
      'publicToken: "pt_8a7b6c5d4e3f2a1b0c9d"',
      'DB_SECRET_NAME = "prod/db/creds-2024-primary"',
      'API_KEY_SECRET_NAME="projects/p1/secrets/api-key-2"',
      'TOKEN_URL = "https://auth.internal/oauth2/v1/token2"',
      'password_file = "/run/secrets/db_password_v2"',
      'api_key_id = "AKID9F8E7D6C5B4A3F2E1D"',
      'SECRET_KEY_FILE="/etc/app/secret-key-2024.pem"',
      'token = "tokens/service-account-2024.json"',
      'KRAKEN_API_KEY_NAME="kraken-prod-key-2"',
    ];
    expect(lines.flatMap(scan)).toEqual([]);
  });

  it("placeholders, documentation values and repeated blocks", () => {
    const lines = [
      "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "ALGOLIA_API_KEY=12345678901234567890123456789012",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "STRIPE_KEY=sk_live_################################",
      "ZENDESK_API_TOKEN=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ1234",
      "SENDBIRD_API_TOKEN=0123456789abcdef0123456789abcdef01234567",
      "KRAKEN_API_SECRET=abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc1",
      "DATADOG_API_KEY=00000000000000000000000000000000",
      "api_key: <your-api-key-here-0000000>",
      'secret: "${SECRET_FROM_VAULT_2024}"',
    ];
    expect(lines.flatMap(scan)).toEqual([]);
  });

  // A random string assigned to `api_key` that misses a provider's shape may still be a
  // secret: there the last-resort generic rule may speak, never the provider's rule.
  it("near misses: wrong length, wrong alphabet, wrong suffix (no provider rule fires)", () => {
    const lines = [
      "token: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z", // 35 instead of 36
      "LINEAR=lin_api_Zk3p9QwErTyUiOp4AsDfGhJkLz", // too short
      "ALGOLIA_API_KEY=g3h4j5k6l7m8n9p0q1r2s3t4u5v6w7x8", // not hex
      "mm: AbC123_9f8E7d6C5b4A3f2E1d0C9b8A7f6E5d4C3_mmx", // wrong suffix
      "AKIAIOSFODNN7EXAMPL", // a key id one short
      "SYMFONY: APP_SECRET=9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4", // 31 hex digits
      "value: xai-Zk3p9QwErTyUiOp4AsDfGhJkLzXcVbNm1234", // too short
      "value: sk-or-v1-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8g", // g is no hex digit
    ];
    expect(lines.flatMap(scan).filter((h) => !h.startsWith("generic-"))).toEqual([]);
  });
});
