import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicySet } from "../policy/load.js";
import { checkSignatures } from "../policy/signatures.js";
import { runCli, startRegistry, type RunningRegistry } from "../testing/deps.js";
import { pushImage, pushProbeImages } from "../testing/images.js";
import {
  cosignPayload,
  opensslKeyPair,
  opensslSign,
  pushCosignSignature,
} from "../testing/openssl-cosign.js";
import { issueSigningCert, makeSigstore, type TestSigstore } from "../testing/sigstore-pki.js";
import { keylessLayerAnnotations, type Signing } from "../testing/sigstore-sign.js";
import { missingTools } from "../../../testkit/src/tools.js";
import { AdmissionController } from "../admission/controller.js";
import { admissionReview, workloadObject } from "../testing/kubectl.js";

// Classic cosign keyless signatures (the `.sig` tag: certificate, Rekor bundle and RFC 3161
// annotations) made by the openssl-only test Sigstore, pushed with skopeo to a real
// docker-registry beside a real umoci image; Bulwark fetches and verifies them.
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl"];
const missing = missingTools(TOOLS);
const noKubectl = missingTools(["kubectl"]).length > 0;

const ISSUER = "https://token.actions.githubusercontent.com";
const SAN = "https://github.com/org/app/.github/workflows/release.yml@refs/heads/main";
const MIN = 60_000;

let work: string;
let reg: RunningRegistry;
let pki: TestSigstore;
let stranger: TestSigstore;
let digest: string;
let otherDigest: string;
let policyFile: string;
let n = 0;

const POLICY = `apiVersion: bulwark.dev/v1
kind: ImagePolicy
metadata: { name: signed }
spec:
  signatures:
    - keyless: { issuer: "${ISSUER}", subjectRegExp: "^https://github\\\\.com/org/" }
`;

interface SignOpts {
  s?: TestSigstore;
  san?: string;
  issuer?: string;
  /** Certificate validity in minutes from now. */
  from?: number;
  to?: number;
  signing?: Partial<Signing>;
  payload?: Buffer;
  /** Push this payload instead of the signed one. */
  pushed?: Buffer;
}

/** Push the image to `repo` and a keyless signature of it made by `o.s` (the trusted PKI by default). */
async function signAs(repo: string, o: SignOpts = {}): Promise<void> {
  await pushImage(join(work, "layout"), "app", `${reg.host}/${repo}:1`);
  const s = o.s ?? pki;
  const now = Date.now();
  const c = issueSigningCert(s, {
    san: `URI:${o.san ?? SAN}`,
    issuer: o.issuer ?? ISSUER,
    notBefore: new Date(now + (o.from ?? -1) * MIN),
    notAfter: new Date(now + (o.to ?? 60) * MIN),
    tag: `leaf${n++}`,
  });
  const payload = o.payload ?? cosignPayload(`${reg.host}/${repo}`, digest);
  const chain = readFileSync(s.intermediate.cert, "utf8");
  const signing: Signing = {
    key: c.key,
    pem: c.pem,
    integratedTime: Math.floor(Date.now() / 1000),
    tsa: true,
    tag: `sig${n++}`,
    ...o.signing,
  };
  const { signatureB64, annotations } = keylessLayerAnnotations(s, chain, payload, signing);
  await pushCosignSignature({
    registry: reg.host,
    repo,
    digest,
    payload: o.pushed ?? payload,
    signatureB64,
    annotations,
  });
}

async function outcome(repo: string, trustedRoot = pki.trustedRoot) {
  const set = loadPolicySet([policyFile], { trustedRoot });
  const out = await checkSignatures(set, { registry: reg.host, repository: repo }, digest, {});
  return out.get("signed#0")!;
}

describe.skipIf(missing.length > 0)(
  `keyless cosign signatures in a registry${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-keyless-reg-"));
      reg = await startRegistry({ dir: work });
      pki = makeSigstore(join(work, "pki"));
      stranger = makeSigstore(join(work, "stranger"), "stranger");
      ({ digest, otherDigest } = await pushProbeImages(work, reg.host));
      policyFile = join(work, "policy.yaml");
      await writeFile(policyFile, POLICY);
    }, 180_000);
    afterAll(async () => {
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("accepts a keyless signature by the policy's identity and issuer", async () => {
      await signAs("ok");
      expect(await outcome("ok")).toEqual({ ok: true, detail: `signed by ${SAN} (${ISSUER})` });
    });

    it("rejects another identity and another issuer", async () => {
      await signAs("wrong-identity", {
        san: "https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main",
      });
      expect((await outcome("wrong-identity")).detail).toMatch(
        /^keyless: certificate identity "https:\/\/github.com\/evil\/app\/.+" does not match subjectRegExp/,
      );
      await signAs("wrong-issuer", { issuer: "https://gitlab.example.com" });
      expect(await outcome("wrong-issuer")).toEqual({
        ok: false,
        detail: `keyless: certificate issuer "https://gitlab.example.com" is not "${ISSUER}"`,
      });
    });

    it("rejects an expired certificate without a timestamp", async () => {
      await signAs("expired", { from: -120, to: -110, signing: { integratedTime: null, tsa: false } });
      expect((await outcome("expired")).detail).toMatch(
        /^keyless: the certificate expired at \S+ and no trusted timestamp \(log entry or RFC 3161\) shows it was used while valid$/,
      );
    });

    it("rejects a payload changed after signing", async () => {
      const signed = cosignPayload(`${reg.host}/tampered`, digest);
      const pushed = Buffer.from(signed.toString().replace('"optional":null', '"optional":{"x":"y"}'));
      await signAs("tampered", { payload: signed, pushed });
      expect((await outcome("tampered")).detail).toBe(
        "keyless: the transparency-log entry records another signature or payload (digest mismatch): the signed content was changed",
      );
    });

    it("rejects a certificate of an untrusted root", async () => {
      await signAs("untrusted", { s: stranger });
      expect(await outcome("untrusted")).toEqual({
        ok: false,
        detail: `keyless: the certificate was not issued by a certificate authority of the trusted root ${pki.trustedRoot}`,
      });
      // The same signature verifies against the root it was made under: the root is the difference.
      expect((await outcome("untrusted", stranger.trustedRoot)).ok).toBe(true);
    });

    it("rejects a valid keyless signature of another digest, and a key signature", async () => {
      await signAs("other-digest", { payload: cosignPayload(`${reg.host}/other-digest`, otherDigest) });
      expect((await outcome("other-digest")).detail).toBe(
        `keyless: signed payload names another image (${otherDigest})`,
      );
      await pushImage(join(work, "layout"), "app", `${reg.host}/key-signed:1`);
      const k = opensslKeyPair(work, "cosign");
      const payload = cosignPayload(`${reg.host}/key-signed`, digest);
      await pushCosignSignature({
        registry: reg.host,
        repo: "key-signed",
        digest,
        payload,
        signatureB64: opensslSign(k.key, "ecdsa", payload),
      });
      expect((await outcome("key-signed")).detail).toBe("keyless: no certificate: not a keyless signature");
    });

    it("bulwark policy check --trusted-root: allowed, denied without the root, exit 2 on a bad root", async () => {
      await signAs("cli-ok");
      const target = `${reg.host}/cli-ok:1`;
      const args = ["--quiet", "policy", "check", target, "--policy", policyFile];
      const ok = await runCli([...args, "--trusted-root", pki.trustedRoot]);
      expect(ok.stdout).toBe(`${target} (${digest}): ALLOW\n`);
      expect(ok.code).toBe(0);
      const noRoot = await runCli(args);
      expect(noRoot.code).toBe(1);
      expect(noRoot.stdout).toContain("keyless: no Sigstore trusted root given (--trusted-root FILE)");
      const foreign = await runCli([...args, "--trusted-root", stranger.trustedRoot]);
      expect(foreign.code).toBe(1);
      expect(foreign.stdout).toContain("not issued by a certificate authority of the trusted root");
      const garbage = join(work, "garbage.json");
      await writeFile(garbage, "[1,2");
      const bad = await runCli([...args, "--trusted-root", garbage]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toBe(`bulwark: POLICY_INVALID: --trusted-root: ${garbage}: not JSON`);
    });

    it("registry scan --trusted-root stores the keyless signer in the catalog", async () => {
      await signAs("scanned");
      const data = join(work, "data");
      const common = ["--quiet", "--cache-dir", join(work, "cache")];
      const scan = await runCli([
        ...common,
        "registry",
        "scan",
        `${reg.host}/scanned`,
        "--policy",
        policyFile,
        "--trusted-root",
        pki.trustedRoot,
        "--data-dir",
        data,
      ]);
      expect(scan.stderr).toBe("");
      expect(scan.stdout).toContain(`ALLOW ${reg.host}/scanned@${digest}`);
      expect(scan.code).toBe(0);
      const show = await runCli([...common, "catalog", "show", `${reg.host}/scanned:1`, "--data-dir", data]);
      expect(show.stdout).toContain(`signer: signed by ${SAN} (${ISSUER})`);
    });

    it.skipIf(noKubectl)(
      "admission: a Pod of a keyless-signed image is allowed, one signed under another root denied",
      async () => {
        await signAs("adm-ok");
        await signAs("adm-untrusted", { s: stranger });
        const controller = new AdmissionController({
          set: loadPolicySet([policyFile], { trustedRoot: pki.trustedRoot }),
          access: {},
        });
        const answer = async (repo: string) =>
          (
            (await controller.review(
              admissionReview(workloadObject("Pod", "web", `${reg.host}/${repo}:1`)),
            )) as {
              response: { allowed: boolean; status?: { message: string } };
            }
          ).response;
        expect((await answer("adm-ok")).allowed).toBe(true);
        const denied = await answer("adm-untrusted");
        expect(denied.allowed).toBe(false);
        expect(denied.status?.message).toContain("not issued by a certificate authority of the trusted root");
      },
    );
  },
);
