import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicies } from "../policy/load.js";
import { checkSignatures } from "../policy/signatures.js";
import type { PolicySet } from "../policy/types.js";
import { startRegistry, type RunningRegistry } from "../testing/deps.js";
import { pushImage, pushProbeImages } from "../testing/images.js";
import { putArtifact, putManifest, referrersFront, referrersIndex } from "../testing/oci-push.js";
import { cosignPayload, opensslKeyPair, opensslSign } from "../testing/openssl-cosign.js";
import { RegistryClient } from "../deps.js";
import { discoverReferrers } from "./referrers.js";
import { missingTools } from "../../../testkit/src/tools.js";

// Signatures and SBOM attestations found through the OCI referrers API and, on a registry
// without it, through the fallback tags. The registry is Debian's docker-registry, which
// lacks the referrers API: the fallback is tested against it as it is. For the API itself a
// small front implements only `GET /v2/<name>/referrers/<digest>` and passes everything else
// to that same registry. Signatures and DSSE envelopes are made by openssl; the artifacts
// are pushed by a client written in the test (testing/oci-push.ts).
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl"];
const missing = missingTools(TOOLS);

const SIG_ARTIFACT = "application/vnd.dev.cosign.artifact.sig.v1+json";
const SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
const DSSE = "application/vnd.dsse.envelope.v1+json";
const IN_TOTO = "application/vnd.in-toto+json";

let work: string;
let reg: RunningRegistry;
let digest: string;
let otherDigest: string;
let keys: { key: string; pub: string };
let stranger: { key: string; pub: string };

function policy(spec: string): PolicySet {
  const text = `apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: p }\nspec:\n${spec}`;
  return { policies: parsePolicies(text, join(work, "p.yaml"), work), version: "t" };
}
const signedBy = () => policy("  signatures:\n    - keys: [{ publicKey: org.pub }]\n");
const sbomSigned = () =>
  policy("  requireSbomAttestation: true\n  signatures:\n    - keys: [{ publicKey: org.pub }]\n");
const sbomOnly = () => policy("  requireSbomAttestation: true\n");

async function image(host: string, repo: string) {
  await pushImage(join(work, "layout"), "app", `${host}/${repo}:1`);
}

/** A cosign simple-signing layer signed by openssl. */
function signatureLayer(host: string, repo: string, signer = keys.key, of = digest) {
  const payload = cosignPayload(`${host}/${repo}`, of);
  return {
    mediaType: SIMPLE_SIGNING,
    data: payload,
    annotations: { "dev.cosignproject.cosign/signature": opensslSign(signer, "ecdsa", payload) },
  };
}

/** A DSSE envelope over an in-toto statement, signed by openssl over the DSSE PAE (written from the spec). */
function sbomEnvelope(opts: { subject?: string; predicateType?: string; signer?: string } = {}) {
  const statement = Buffer.from(
    JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: "app", digest: { sha256: (opts.subject ?? digest).slice(7) } }],
      predicateType: opts.predicateType ?? "https://spdx.dev/Document",
      predicate: { spdxVersion: "SPDX-2.3", packages: [] },
    }),
  );
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${IN_TOTO.length} ${IN_TOTO} ${statement.length} `),
    statement,
  ]);
  const sig = opensslSign(opts.signer ?? keys.key, "ecdsa", pae);
  return Buffer.from(
    JSON.stringify({
      payloadType: IN_TOTO,
      payload: statement.toString("base64"),
      signatures: [{ keyid: "", sig }],
    }),
  );
}

const attLayer = (data: Buffer, predicateType = "https://spdx.dev/Document") => ({
  mediaType: DSSE,
  data,
  annotations: { "dev.cosignproject.cosign/signature": "", predicateType },
});

async function outcomes(set: PolicySet, host: string, repo: string) {
  return checkSignatures(set, { registry: host, repository: repo }, digest, {});
}

describe.skipIf(missing.length > 0)(
  `referrers and fallback tags${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-referrers-"));
      reg = await startRegistry({ dir: work });
      ({ digest, otherDigest } = await pushProbeImages(work, reg.host));
      keys = opensslKeyPair(work, "org");
      stranger = opensslKeyPair(work, "stranger");
    });
    afterAll(async () => {
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("docker-registry lacks the referrers API: discovery says so and finds nothing on a bare image", async () => {
      await image(reg.host, "bare");
      const found = await discoverReferrers(new RegistryClient(reg.host, "bare"), digest);
      expect(found).toEqual({ referrersApi: false, referrers: [], problems: [] });
      expect((await outcomes(sbomOnly(), reg.host, "bare")).get("p#sbom")).toEqual({
        ok: false,
        detail: "no SBOM attestation found",
      });
    });

    it("fallback tag sha256-<hex>: a signature artifact listed there verifies; one for another subject is refused", async () => {
      await image(reg.host, "fallback");
      const good = await putArtifact(reg.host, "fallback", {
        artifactType: SIG_ARTIFACT,
        subject: digest,
        layers: [signatureLayer(reg.host, "fallback")],
      });
      const foreign = await putArtifact(reg.host, "fallback", {
        artifactType: SIG_ARTIFACT,
        subject: otherDigest,
        layers: [signatureLayer(reg.host, "fallback", keys.key, otherDigest)],
      });
      await putManifest(reg.host, "fallback", digest.replace(":", "-"), referrersIndex([foreign, good]));
      const found = await discoverReferrers(new RegistryClient(reg.host, "fallback"), digest);
      expect(found.referrersApi).toBe(false);
      expect(found.referrers.map((r) => [r.source, r.via])).toEqual([[good.digest, "fallback-tag"]]);
      expect(found.problems).toEqual([`attached manifest ${foreign.digest} names another subject`]);
      expect((await outcomes(signedBy(), reg.host, "fallback")).get("p#0")).toEqual({
        ok: true,
        detail: `signed with ${join(work, "org.pub")}`,
      });
    });

    it("cosign's .att tag: a signed SPDX attestation passes requireSbomAttestation", async () => {
      await image(reg.host, "attested");
      await putArtifact(reg.host, "attested", {
        artifactType: DSSE,
        layers: [attLayer(sbomEnvelope())],
        tag: `${digest.replace(":", "-")}.att`,
      });
      const got = (await outcomes(sbomSigned(), reg.host, "attested")).get("p#sbom");
      expect(got).toEqual({
        ok: true,
        detail: `https://spdx.dev/Document attestation (cosign-tag), signed with ${join(work, "org.pub")}`,
      });
    });

    it.each([
      [
        "signed by another key",
        { signer: "stranger" },
        "SBOM attestation does not verify with the policy's keys",
      ],
      ["about another image", { subject: "other" }, "SBOM attestation names another image"],
      [
        "not an SBOM",
        { predicateType: "https://slsa.dev/provenance/v1" },
        "attestation is not an SBOM (https://slsa.dev/provenance/v1)",
      ],
    ] as const)("an attestation %s is refused", async (_name, opts, detail) => {
      const repo = `att-${_name.replace(/\W+/g, "-").toLowerCase()}`;
      await image(reg.host, repo);
      const o: { signer?: string; subject?: string; predicateType?: string } = opts;
      const envelope = sbomEnvelope({
        ...(o.signer ? { signer: stranger.key } : {}),
        ...(o.subject ? { subject: otherDigest } : {}),
        ...(o.predicateType ? { predicateType: o.predicateType } : {}),
      });
      await putArtifact(reg.host, repo, {
        artifactType: DSSE,
        layers: [attLayer(envelope)],
        tag: `${digest.replace(":", "-")}.att`,
      });
      expect((await outcomes(sbomSigned(), reg.host, repo)).get("p#sbom")).toEqual({ ok: false, detail });
    });

    it("referrers API (a front implementing only that route): signature and attestation found with no tag at all", async () => {
      const answers = new Map<string, object[]>();
      const front = await referrersFront(reg.host, answers);
      try {
        await image(reg.host, "modern");
        const sig = await putArtifact(reg.host, "modern", {
          artifactType: SIG_ARTIFACT,
          subject: digest,
          layers: [signatureLayer(front.host, "modern")],
        });
        const att = await putArtifact(reg.host, "modern", {
          artifactType: DSSE,
          subject: digest,
          layers: [attLayer(sbomEnvelope({ predicateType: "https://cyclonedx.org/bom" }))],
        });
        answers.set(`modern@${digest}`, [sig, att]);
        const found = await discoverReferrers(new RegistryClient(front.host, "modern"), digest);
        expect(found.referrersApi).toBe(true);
        expect(found.referrers.map((r) => [r.artifactType, r.via])).toEqual([
          [SIG_ARTIFACT, "referrers-api"],
          [DSSE, "referrers-api"],
        ]);
        const got = await outcomes(sbomSigned(), front.host, "modern");
        expect(got.get("p#0")).toEqual({ ok: true, detail: `signed with ${join(work, "org.pub")}` });
        expect(got.get("p#sbom")).toEqual({
          ok: true,
          detail: `https://cyclonedx.org/bom attestation (referrers-api), signed with ${join(work, "org.pub")}`,
        });
      } finally {
        await front.close();
      }
    });
  },
);
