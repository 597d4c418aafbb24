import { createHash } from "node:crypto";

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s, "latin1").digest("hex");
}

/**
 * A secret with its middle replaced: at most 4 characters at each end, fewer for
 * short secrets, so that a report never carries enough to use the credential.
 */
export function redactSecret(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 6));
  if (keep === 0) return "*****";
  return `${secret.slice(0, keep)}*****${secret.slice(-keep)}`;
}

/** The match as shown: the text before the secret (one line, trimmed) and the redacted secret. */
export function redactMatch(before: string, secret: string): string {
  const context = before.replace(/[\r\n]/g, " ").slice(-40);
  return `${context}${redactSecret(secret)}`;
}

/**
 * Stable id of one finding: rule, file, line and the secret's hash. Baselines and
 * ignore files list these, so they must never change for the same inputs.
 */
export function fingerprint(ruleId: string, file: string, line: number, secretHash: string): string {
  return sha256Hex(`${ruleId}\u0000${file}\u0000${line}\u0000${secretHash}`);
}
