/**
 * Shamir secret sharing over GF(2^8) (the AES field, polynomial 0x11b), byte by byte.
 * Like Vault, each share is the y-values followed by one byte holding its x coordinate.
 */
import { randomBytes } from "node:crypto";
import { VaultError } from "../errors.js";

const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
(function buildTables(): void {
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    // multiply by the generator 3: x*2 (xtime) xor x
    let doubled = x << 1;
    if (doubled & 0x100) doubled ^= 0x11b;
    x = doubled ^ x;
  }
  for (let i = 255; i < 510; i++) EXP[i] = EXP[i - 255]!;
})();

function mul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

function div(a: number, b: number): number {
  if (b === 0) throw new VaultError("VAULT_INTERNAL", "division by zero in GF(256)");
  if (a === 0) return 0;
  return EXP[(LOG[a]! + 255 - LOG[b]!) % 255]!;
}

/** Evaluates the polynomial with coefficients `coeffs` (constant first) at x. */
function evaluate(coeffs: Uint8Array, x: number): number {
  let y = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) y = mul(y, x) ^ coeffs[i]!;
  return y;
}

export function splitSecret(secret: Buffer, shares: number, threshold: number): Buffer[] {
  if (!Number.isInteger(shares) || !Number.isInteger(threshold))
    throw new VaultError("VAULT_INVALID_REQUEST", "secret_shares and secret_threshold must be integers");
  if (shares < 1 || shares > 255)
    throw new VaultError("VAULT_INVALID_REQUEST", "secret_shares must be between 1 and 255");
  if (threshold < 1 || threshold > shares)
    throw new VaultError("VAULT_INVALID_REQUEST", "secret_threshold must be between 1 and secret_shares");
  if (threshold === 1 && shares > 1)
    throw new VaultError(
      "VAULT_INVALID_REQUEST",
      "secret_threshold must be at least 2 when secret_shares > 1",
    );
  if (secret.length === 0) throw new VaultError("VAULT_INTERNAL", "cannot split an empty secret");
  const out = Array.from({ length: shares }, (_, i) => {
    const b = Buffer.alloc(secret.length + 1);
    b[secret.length] = i + 1;
    return b;
  });
  const coeffs = new Uint8Array(threshold);
  for (let byte = 0; byte < secret.length; byte++) {
    coeffs[0] = secret[byte]!;
    coeffs.set(randomBytes(threshold - 1), 1);
    for (let s = 0; s < shares; s++) out[s]![byte] = evaluate(coeffs, s + 1);
  }
  coeffs.fill(0);
  return out;
}

/** Lagrange interpolation at x = 0. Shares must be distinct and of equal length. */
export function combineShares(shares: readonly Buffer[]): Buffer {
  if (shares.length === 0) throw new VaultError("VAULT_UNSEAL_FAILED", "no unseal shares");
  const len = shares[0]!.length;
  if (len < 2 || shares.some((s) => s.length !== len))
    throw new VaultError("VAULT_UNSEAL_FAILED", "unseal shares have different lengths");
  const xs = shares.map((s) => s[len - 1]!);
  if (xs.includes(0) || new Set(xs).size !== xs.length)
    throw new VaultError("VAULT_UNSEAL_FAILED", "duplicate or invalid unseal share");
  const secret = Buffer.alloc(len - 1);
  for (let byte = 0; byte < len - 1; byte++) {
    let acc = 0;
    for (let i = 0; i < shares.length; i++) {
      let basis = 1;
      for (let j = 0; j < shares.length; j++) {
        if (i === j) continue;
        // basis *= x_j / (x_j - x_i); subtraction is xor in GF(2^8)
        basis = mul(basis, div(xs[j]!, xs[j]! ^ xs[i]!));
      }
      acc ^= mul(shares[i]![byte]!, basis);
    }
    secret[byte] = acc;
  }
  return secret;
}
