import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicies } from "../policy/load.js";
import type { PolicySet } from "../policy/types.js";
import { startRegistry, type RunningRegistry } from "../testing/deps.js";
import { pushImage, pushProbeImages } from "../testing/images.js";
import {
  cosignPayload,
  opensslKeyPair,
  opensslSign,
  pushCosignSignature,
  type KeyKind,
} from "../testing/openssl-cosign.js";
import { checkSignatures } from "../policy/signatures.js";
import { missingTools } from "../../../testkit/src/tools.js";

// Real registry (docker-registry), real image (umoci) pushed with skopeo, signatures made by
// openssl over the cosign simple-signing payload and pushed with skopeo: Bulwark only verifies.
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl"];
const missing = missingTools(TOOLS);

let work: string;
let reg: RunningRegistry;
let digest: string;
let otherDigest: string;
const keys: Record<string, { key: string; pub: string; kind: KeyKind }> = {};

function policyWith(pubs: string[]): PolicySet {
  const text = `apiVersion: bulwark.dev/v1
kind: ImagePolicy
metadata: { name: signed }
spec:
  signatures:
    - keys: [${pubs.map((p) => `{ publicKey: ${p} }`).join(", ")}]
`;
  return { policies: parsePolicies(text, join(work, "p.yaml"), work), version: "t" };
}

/** Push the test image to `repo` and return its outcome after `sign` put a signature there. */
async function outcome(repo: string, pubs: string[]) {
  const ref = { registry: reg.host, repository: repo };
  const out = await checkSignatures(policyWith(pubs), ref, digest, {});
  return out.get("signed#0")!;
}

async function signAs(
  repo: string,
  signer: string,
  opts: { payload?: Buffer; signed?: Buffer; annotation?: string } = {},
) {
  await pushImage(join(work, "layout"), "app", `${reg.host}/${repo}:1`);
  const k = keys[signer]!;
  const payload = opts.payload ?? cosignPayload(`${reg.host}/${repo}`, digest);
  const sig = opensslSign(k.key, k.kind, opts.signed ?? payload);
  await pushCosignSignature({
    registry: reg.host,
    repo,
    digest,
    payload,
    signatureB64: opts.annotation ?? sig,
  });
}

describe.skipIf(missing.length > 0)(
  `cosign key signatures${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-cosign-"));
      reg = await startRegistry({ dir: work });
      ({ digest, otherDigest } = await pushProbeImages(work, reg.host));
      for (const kind of ["ecdsa", "ed25519", "rsa"] as const)
        keys[kind] = { ...opensslKeyPair(work, kind, kind), kind };
      keys.stranger = { ...opensslKeyPair(work, "stranger"), kind: "ecdsa" };
    }, 120_000);
    afterAll(async () => {
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it.each(["ecdsa", "ed25519", "rsa"])("a %s signature made by openssl verifies", async (kind) => {
      await signAs(`ok-${kind}`, kind);
      const o = await outcome(`ok-${kind}`, [`${kind}.pub`]);
      expect(o).toEqual({ ok: true, detail: `signed with ${join(work, `${kind}.pub`)}` });
    });

    it("an unsigned image has no signature", async () => {
      await pushImage(join(work, "layout"), "app", `${reg.host}/unsigned:1`);
      expect(await outcome("unsigned", ["ecdsa.pub"])).toEqual({ ok: false, detail: "no signature found" });
    });

    it("a tampered payload fails", async () => {
      const signed = cosignPayload(`${reg.host}/tampered`, digest);
      const payload = Buffer.from(signed.toString().replace('"optional":null', '"optional":{"x":"y"}'));
      await signAs("tampered", "ecdsa", { payload, signed });
      expect(await outcome("tampered", ["ecdsa.pub"])).toEqual({
        ok: false,
        detail: "signature does not verify with the policy's keys",
      });
    });

    it("a signature by another key fails", async () => {
      await signAs("wrong-key", "stranger");
      expect((await outcome("wrong-key", ["ecdsa.pub", "ed25519.pub"])).ok).toBe(false);
    });

    it("a valid signature of another digest fails", async () => {
      await signAs("other-digest", "ecdsa", {
        payload: cosignPayload(`${reg.host}/other-digest`, otherDigest),
      });
      expect(await outcome("other-digest", ["ecdsa.pub"])).toEqual({
        ok: false,
        detail: `signed payload names another image (${otherDigest})`,
      });
    });

    it("a signature blob that is not what it claims fails with a message, never allows", async () => {
      await signAs("garbage-annotation", "ecdsa", { annotation: "%%% not base64 %%%" });
      expect(await outcome("garbage-annotation", ["ecdsa.pub"])).toEqual({
        ok: false,
        detail: "signature annotation is not base64",
      });
      // A payload that is not a simple-signing document, validly signed: still no approval.
      await signAs("not-simple-signing", "ecdsa", { payload: Buffer.from('{"hello":"world"}') });
      expect(await outcome("not-simple-signing", ["ecdsa.pub"])).toEqual({
        ok: false,
        detail: "payload is not a cosign simple-signing document",
      });
    });
  },
);
