import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyError } from "../errors.js";
import { issueSigningCert, makeSigstore, rfc3161, type TestSigstore } from "../testing/sigstore-pki.js";
import { dsseBundle, signStatement, type Signing } from "../testing/sigstore-sign.js";
import { missingTools } from "../../../testkit/src/tools.js";
import { layerBundle, verifyKeyless } from "./keyless-cosign.js";
import { SIGN_PREDICATE, verifyImageBundle, type KeylessIdentity } from "./keyless.js";
import { loadTrustedRoot, type TrustRoot } from "./trusted-root.js";

// Sigstore bundles (cosign v3's image signature: DSSE + in-toto statement) made by an
// openssl-only private Sigstore (testing/sigstore-pki.ts), verified by Bulwark through
// @sigstore/verify against the trusted_root.json that PKI wrote.
const missing = missingTools(["openssl"]);

const DIGEST = `sha256:${"ab".repeat(32)}`;
const ISSUER = "https://token.actions.githubusercontent.com";
const SAN = "https://github.com/org/app/.github/workflows/release.yml@refs/heads/main";
const WANT: KeylessIdentity = { issuer: ISSUER, subjectRegExp: /^https:\/\/github\.com\/org\// };
const MIN = 60_000;

let work: string;
let pki: TestSigstore;
let stranger: TestSigstore;
let trust: TrustRoot;
let n = 0;
const nowSec = () => Math.floor(Date.now() / 1000);

/** A signing certificate of `s`, valid over [now+from, now+to] minutes (an hour by default: slow machines). */
function cert(s: TestSigstore, o: { san?: string; issuer?: string; from?: number; to?: number } = {}) {
  const now = Date.now();
  return issueSigningCert(s, {
    san:
      (o.san ?? SAN).includes("@") && !(o.san ?? SAN).startsWith("https")
        ? `email:${o.san}`
        : `URI:${o.san ?? SAN}`,
    issuer: o.issuer ?? ISSUER,
    notBefore: new Date(now + (o.from ?? -1) * MIN),
    notAfter: new Date(now + (o.to ?? 60) * MIN),
    tag: `leaf${n++}`,
  });
}

function signing(c: { key: string; pem: string }, o: Partial<Signing> = {}): Signing {
  return { key: c.key, pem: c.pem, integratedTime: nowSec(), tsa: true, tag: `sig${n++}`, ...o };
}

const verify = (bundle: unknown, want = WANT) => verifyImageBundle(bundle, DIGEST, want, trust);

describe.skipIf(missing.length > 0)(
  `keyless Sigstore bundles${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), "bulwark-keyless-"));
      pki = makeSigstore(join(work, "pki"));
      stranger = makeSigstore(join(work, "stranger"), "stranger");
      trust = loadTrustedRoot(pki.trustedRoot);
    }, 120_000);
    afterAll(() => work && rmSync(work, { recursive: true, force: true }));

    it("accepts a keyless signature with log entry and RFC 3161 timestamp", () => {
      const b = dsseBundle(pki, signStatement(DIGEST, "app"), signing(cert(pki)));
      expect(verify(b)).toEqual({ ok: true, detail: `signed by ${SAN} (${ISSUER})` });
      expect(verify(b, { issuer: ISSUER, subject: SAN }).ok).toBe(true);
    });

    it("accepts an email identity", () => {
      const c = cert(pki, { san: "alice@example.com" });
      const b = dsseBundle(pki, signStatement(DIGEST, "app"), signing(c));
      expect(verify(b, { issuer: ISSUER, subject: "alice@example.com" })).toEqual({
        ok: true,
        detail: `signed by alice@example.com (${ISSUER})`,
      });
    });

    it("rejects another identity", () => {
      const b = dsseBundle(
        pki,
        signStatement(DIGEST, "app"),
        signing(cert(pki, { san: "https://github.com/evil/app/x@refs/heads/main" })),
      );
      expect(verify(b)).toEqual({
        ok: false,
        detail:
          'keyless: certificate identity "https://github.com/evil/app/x@refs/heads/main" does not match subjectRegExp ^https:\\/\\/github\\.com\\/org\\/',
      });
      expect(verify(b, { issuer: ISSUER, subject: SAN }).detail).toMatch(
        /is not "https:\/\/github.com\/org\/app/,
      );
    });

    it("rejects another OIDC issuer", () => {
      const b = dsseBundle(
        pki,
        signStatement(DIGEST, "app"),
        signing(cert(pki, { issuer: "https://accounts.example.com" })),
      );
      expect(verify(b)).toEqual({
        ok: false,
        detail: `keyless: certificate issuer "https://accounts.example.com" is not "${ISSUER}"`,
      });
    });

    it("rejects an expired certificate without a timestamp", () => {
      const c = cert(pki, { from: -120, to: -110 });
      const b = dsseBundle(
        pki,
        signStatement(DIGEST, "app"),
        signing(c, { integratedTime: null, tsa: false }),
      );
      expect(verify(b)).toEqual({
        ok: false,
        detail: expect.stringMatching(
          /^keyless: the certificate expired at \S+ and no trusted timestamp \(log entry or RFC 3161\) shows it was used while valid$/,
        ),
      });
    });

    it("rejects an expired certificate whose timestamps come after its expiry", () => {
      const c = cert(pki, { from: -120, to: -110 });
      const b = dsseBundle(pki, signStatement(DIGEST, "app"), signing(c));
      expect(verify(b).detail).toMatch(
        /^keyless: the certificate \(valid \S+ to \S+\) was not valid at the signing time \S+$/,
      );
    });

    it("accepts a certificate expired today when the log dates the signature inside its validity", () => {
      const c = cert(pki, { from: -120, to: -110 });
      const b = dsseBundle(
        pki,
        signStatement(DIGEST, "app"),
        signing(c, { integratedTime: nowSec() - 115 * 60, tsa: false }),
      );
      expect(verify(b).ok).toBe(true);
    });

    it("rejects a tampered payload", () => {
      const b = dsseBundle(pki, signStatement(DIGEST, "app"), signing(cert(pki)));
      const env = b.dsseEnvelope as { payload: string };
      const other = signStatement(DIGEST, "app-renamed");
      env.payload = other.toString("base64");
      expect(verify(b).detail).toMatch(
        /^keyless: the transparency-log entry records another signature or payload \(DSSE payload hash mismatch\)/,
      );
    });

    it("rejects an RFC 3161 timestamp from a TSA the root does not list", () => {
      const b = dsseBundle(pki, signStatement(DIGEST, "app"), signing(cert(pki), { tsa: false }));
      const sig = Buffer.from(
        (b.dsseEnvelope as { signatures: { sig: string }[] }).signatures[0]!.sig,
        "base64",
      );
      (b.verificationMaterial as { timestampVerificationData: unknown }).timestampVerificationData = {
        rfc3161Timestamps: [{ signedTimestamp: rfc3161(stranger, sig, `ts${n++}`).toString("base64") }],
      };
      expect(verify(b).detail).toBe(
        `keyless: the RFC 3161 timestamp does not verify against the timestamp authorities of ${pki.trustedRoot}`,
      );
    });

    it("rejects a certificate from an untrusted root", () => {
      const b = dsseBundle(stranger, signStatement(DIGEST, "app"), signing(cert(stranger)));
      expect(verify(b)).toEqual({
        ok: false,
        detail: `keyless: the certificate was not issued by a certificate authority of the trusted root ${pki.trustedRoot}`,
      });
    });

    it("rejects a log entry signed by a log the root does not list", () => {
      const b = dsseBundle(stranger, signStatement(DIGEST, "app"), signing(cert(pki), { tsa: false }));
      expect(verify(b).detail).toMatch(
        /^keyless: the transparency-log entry is not proven by a log of the trusted root/,
      );
    });

    it("rejects a valid signature of another image or of another predicate", () => {
      const other = `sha256:${"cd".repeat(32)}`;
      const b = dsseBundle(pki, signStatement(other, "app"), signing(cert(pki)));
      expect(verify(b)).toEqual({
        ok: false,
        detail: `keyless: the signed statement names other images (${other})`,
      });
      const sbom = dsseBundle(
        pki,
        signStatement(DIGEST, "app", "https://cyclonedx.org/bom"),
        signing(cert(pki)),
      );
      expect(verify(sbom).detail).toBe(
        `keyless: predicate type https://cyclonedx.org/bom is not ${SIGN_PREDICATE}`,
      );
    });

    it("never accepts and never throws on arbitrary bundle JSON or cosign annotations", () => {
      const valid = dsseBundle(pki, signStatement(DIGEST, "app"), signing(cert(pki)));
      fc.assert(
        fc.property(fc.jsonValue(), (j) => {
          expect(verify(j).ok).toBe(false);
          expect(verify({ ...valid, verificationMaterial: j }).ok).toBe(false);
          expect(verify({ ...valid, dsseEnvelope: j }).ok).toBe(false);
        }),
        { numRuns: 200 },
      );
      const annotation = fc.oneof(fc.string(), fc.json(), fc.base64String());
      fc.assert(
        fc.property(
          fc.dictionary(
            fc.constantFrom(
              "dev.sigstore.cosign/certificate",
              "dev.sigstore.cosign/bundle",
              "dev.sigstore.cosign/rfc3161timestamp",
            ),
            annotation,
          ),
          fc.uint8Array(),
          fc.string(),
          (annotations, payload, signature) => {
            const layer = { annotations, payload: Buffer.from(payload), signature };
            expect(() => layerBundle(layer)).not.toThrow();
            expect(verifyKeyless({ layers: [layer], problems: [] }, DIGEST, WANT, trust).ok).toBe(false);
          },
        ),
        { numRuns: 200 },
      );
    });
  },
);

describe.skipIf(missing.length > 0)("trusted root file", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "bulwark-root-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function errorOf(text: string): string {
    const f = join(dir, `r${n++}.json`);
    writeFileSync(f, text);
    try {
      loadTrustedRoot(f);
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      return (e as Error).message.replace(f, "F");
    }
    throw new Error("no error");
  }

  it("names the problem of a file that is not a usable root", () => {
    expect(errorOf("{")).toBe("--trusted-root: F: not JSON");
    expect(errorOf('{"mediaType":"x"}')).toMatch(/^--trusted-root: F: not a Sigstore trusted root/);
    const media = '"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"';
    expect(errorOf(`{${media}}`)).toBe("--trusted-root: F: lists no certificate authority");
    expect(
      errorOf(`{${media},"certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"AAAA"}]}}]}`),
    ).toMatch(/^--trusted-root: F: unreadable certificate or key/);
    expect(() => loadTrustedRoot(join(dir, "absent.json"))).toThrow(/cannot read file/);
  });
});
