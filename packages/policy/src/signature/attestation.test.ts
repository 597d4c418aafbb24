import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pae, parseEnvelope, sbomStatement } from "./attestation.js";

const digest = `sha256:${createHash("sha256").update("image").digest("hex")}`;

describe("DSSE envelopes and in-toto statements from untrusted JSON", () => {
  it("PAE is the DSSE v1 encoding (byte lengths, not character counts)", () => {
    expect(pae("t", Buffer.from("é")).toString("utf8")).toBe("DSSEv1 1 t 2 é");
  });

  it("never throws on arbitrary JSON; what it accepts has a string payload type", () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const env = parseEnvelope(v, "x");
        if (env) expect(typeof env.payloadType).toBe("string");
      }),
    );
  });

  it("never accepts arbitrary bytes as an SBOM statement about the digest", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect("error" in sbomStatement(Buffer.from(bytes), digest)).toBe(true);
      }),
    );
  });

  it("accepts SPDX and CycloneDX predicates naming the digest, nothing else", () => {
    const st = (predicateType: unknown, sha = digest.slice(7)) =>
      Buffer.from(JSON.stringify({ subject: [{ digest: { sha256: sha } }], predicateType }));
    expect(sbomStatement(st("https://spdx.dev/Document"), digest)).toEqual({
      predicateType: "https://spdx.dev/Document",
    });
    expect(sbomStatement(st("https://cyclonedx.org/bom/v1.5"), digest)).toEqual({
      predicateType: "https://cyclonedx.org/bom/v1.5",
    });
    expect(sbomStatement(st("https://spdx.dev/Document", "00"), digest)).toEqual({
      error: "SBOM attestation names another image",
    });
    expect(sbomStatement(st(null), digest)).toEqual({ error: "attestation is not an SBOM (null)" });
    expect(sbomStatement(Buffer.from("null"), digest)).toEqual({
      error: "attestation payload is not an in-toto statement",
    });
  });
});
