/**
 * The attestation parser reads untrusted input (whatever a workload sends to the vault's
 * login): property tests that any string either verifies or is refused with an
 * AttestationError, and that changing any character of a signed attestation is refused.
 */
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AttestationError,
  signAttestation,
  verifyAttestation,
  type AttestationClaims,
} from "./attestation.js";

const agent = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const claims: AttestationClaims = {
  iss: "bulwark-runtime",
  aud: "bulwark-vault",
  sub: "c1",
  iat: 1_800_000_000,
  exp: 1_800_000_060,
  jti: "j1",
  image_digest: `sha256:${"a".repeat(64)}`,
};
const signed = signAttestation(claims, agent.privateKey, agent.publicKey);

describe("workload attestations", () => {
  it("verifies what the trusted agent signed, and only with its key", () => {
    expect(verifyAttestation(signed, [other.publicKey, agent.publicKey])).toEqual(claims);
    expect(() => verifyAttestation(signed, [other.publicKey])).toThrow(/does not trust/);
  });

  it("refuses any string that is not a valid attestation with an AttestationError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `${s}.${s}.${s}`),
        ),
        (s) => {
          expect(() => verifyAttestation(s, [agent.publicKey])).toThrow(AttestationError);
        },
      ),
    );
  });

  it("refuses a signed attestation with any one character changed", () => {
    fc.assert(
      fc.property(fc.nat(signed.length - 1), fc.constantFrom(..."AbZ09-_."), (i, ch) => {
        fc.pre(signed[i] !== ch);
        const changed = signed.slice(0, i) + ch + signed.slice(i + 1);
        let out: unknown;
        try {
          out = verifyAttestation(changed, [agent.publicKey]);
        } catch (e) {
          expect(e).toBeInstanceOf(AttestationError);
          return;
        }
        // base64url's last character may carry unused bits: a change there can decode the same
        expect(out).toEqual(claims);
      }),
    );
  });
});
