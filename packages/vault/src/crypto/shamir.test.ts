import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { combineShares, splitSecret } from "./shamir.js";

const params = fc
  .integer({ min: 2, max: 12 })
  .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 2, max: n })));

describe("shamir", () => {
  it("any threshold-sized subset of shares recovers the secret", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 48 }),
        params,
        fc.infiniteStream(fc.nat()),
        (bytes, [n, t], picks) => {
          const secret = Buffer.from(bytes);
          const shares = splitSecret(secret, n, t);
          // choose t distinct shares in a random order
          const pool = [...shares];
          const chosen: Buffer[] = [];
          const it = picks[Symbol.iterator]();
          while (chosen.length < t) chosen.push(pool.splice(it.next().value % pool.length, 1)[0]!);
          expect(combineShares(chosen).equals(secret)).toBe(true);
        },
      ),
    );
  });

  it("fewer shares than the threshold do not recover the secret (32-byte keys)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), params, (bytes, [n, t]) => {
        const secret = Buffer.from(bytes);
        const shares = splitSecret(secret, n, t);
        // t-1 shares interpolate to an unrelated value; equality would be a 2^-256 accident
        if (t - 1 >= 1) expect(combineShares(shares.slice(0, t - 1)).equals(secret)).toBe(false);
      }),
    );
  });

  it("a corrupted share yields a different secret", () => {
    const secret = Buffer.alloc(32, 7);
    const shares = splitSecret(secret, 5, 3);
    shares[1]![4]! ^= 0xff;
    expect(combineShares(shares.slice(0, 3)).equals(secret)).toBe(false);
  });

  it("rejects duplicate shares, mismatched lengths and bad parameters", () => {
    const shares = splitSecret(Buffer.alloc(16, 1), 3, 2);
    expect(() => combineShares([shares[0]!, shares[0]!])).toThrow(/duplicate/);
    expect(() => combineShares([shares[0]!, shares[1]!.subarray(1)])).toThrow(/lengths/);
    expect(() => splitSecret(Buffer.alloc(16), 3, 4)).toThrow(/secret_threshold/);
    expect(() => splitSecret(Buffer.alloc(16), 0, 0)).toThrow(/secret_shares/);
    expect(() => splitSecret(Buffer.alloc(16), 300, 2)).toThrow(/secret_shares/);
  });
});
