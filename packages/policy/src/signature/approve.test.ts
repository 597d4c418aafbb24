import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicies } from "../policy/load.js";
import { runCli, skopeo, startRegistry, type RunningRegistry } from "../testing/deps.js";
import { buildPolicyImage, pushImage, remoteDigest } from "../testing/images.js";
import { opensslKeyPair } from "../testing/openssl-cosign.js";
import { checkSignatures } from "../policy/signatures.js";
import { missingTools } from "../../../testkit/src/tools.js";

// `registry approve` signs with a key openssl made; the pushed signature is then checked by
// openssl itself (payload and signature pulled with skopeo), not only by Bulwark.
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl"];
const missing = missingTools(TOOLS);

let work: string;
let reg: RunningRegistry;

describe.skipIf(missing.length > 0)(
  `bulwark registry approve${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-approve-"));
      reg = await startRegistry({ dir: work });
      const layout = join(work, "layout");
      await buildPolicyImage(layout, "good", work, { opensslVersion: "3.0.13-1~deb12u1", user: "1000" });
      await buildPolicyImage(layout, "root", work, { opensslVersion: "3.0.13-1~deb12u1" });
      await pushImage(layout, "good", `${reg.host}/team/good:1`);
      await pushImage(layout, "root", `${reg.host}/team/root:1`);
    }, 120_000);
    afterAll(async () => {
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("signs only what passes, with a key from the environment, and openssl verifies the pushed signature", async () => {
      const { key, pub } = opensslKeyPair(work, "org");
      const policy = join(work, "approve.yaml");
      await writeFile(
        policy,
        `apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: gate }\nspec:\n  misconfigurations: { deny: [BW-IMG-001] }\n`,
      );
      const args = [
        "--quiet",
        "--cache-dir",
        join(work, "cache"),
        "--data-dir",
        join(work, "data"),
        "--policy",
        policy,
      ];
      expect((await runCli(["registry", "scan", `${reg.host}/team/good`, ...args.slice(1)])).code).toBe(0);
      expect((await runCli(["registry", "scan", `${reg.host}/team/root`, ...args.slice(1)])).code).toBe(1);
      process.env.BULWARK_TEST_ORG_KEY = await readFile(key, "utf8");
      try {
        const r = await runCli([
          "registry",
          "approve",
          reg.host,
          ...args.slice(1),
          "--key",
          "env:BULWARK_TEST_ORG_KEY",
        ]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(
          /not approved .*team\/root@sha256:\w+: \[gate\/misconfigurations\] image checks failed: BW-IMG-001/,
        );
        expect(r.stdout).toContain(
          "1 image(s) signed with the key from environment variable BULWARK_TEST_ORG_KEY",
        );
        expect(r.stdout).not.toContain("PRIVATE KEY");
      } finally {
        delete process.env.BULWARK_TEST_ORG_KEY;
      }
      const digest = await remoteDigest(`${reg.host}/team/good:1`);
      // Independent check: pull the signature image with skopeo, verify with openssl.
      const sigDir = join(work, "sig");
      await skopeo([
        "copy",
        "--src-tls-verify=false",
        `docker://${reg.host}/team/good:${digest.replace(":", "-")}.sig`,
        `oci:${sigDir}:s`,
      ]);
      const index = JSON.parse(await readFile(join(sigDir, "index.json"), "utf8")) as {
        manifests: Array<{ digest: string }>;
      };
      const blob = (d: string) => join(sigDir, "blobs", "sha256", d.slice(7));
      const manifest = JSON.parse(await readFile(blob(index.manifests[0]!.digest), "utf8")) as {
        layers: Array<{ digest: string; annotations: Record<string, string> }>;
      };
      const layer = manifest.layers[0]!;
      await writeFile(
        join(work, "sig.bin"),
        Buffer.from(layer.annotations["dev.cosignproject.cosign/signature"]!, "base64"),
      );
      const out = execFileSync("openssl", [
        "dgst",
        "-sha256",
        "-verify",
        pub,
        "-signature",
        join(work, "sig.bin"),
        blob(layer.digest),
      ]).toString();
      expect(out.trim()).toBe("Verified OK");
      expect(JSON.parse(await readFile(blob(layer.digest), "utf8"))).toMatchObject({
        critical: { image: { "docker-manifest-digest": digest } },
      });
      // And admission-style verification with the public key accepts it; the root image stays unsigned.
      const set = {
        policies: parsePolicies(
          `apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: a }\nspec:\n  signatures:\n    - keys: [{ publicKey: org.pub }]\n`,
          join(work, "a.yaml"),
          work,
        ),
        version: "t",
      };
      expect(
        (await checkSignatures(set, { registry: reg.host, repository: "team/good" }, digest, {})).get("a#0")
          ?.ok,
      ).toBe(true);
      const rootDigest = await remoteDigest(`${reg.host}/team/root:1`);
      expect(
        (await checkSignatures(set, { registry: reg.host, repository: "team/root" }, rootDigest, {})).get(
          "a#0",
        )?.ok,
      ).toBe(false);
    });

    it("a key that is not a private key → one line naming where it came from, exit 2", async () => {
      const r = await runCli([
        "registry",
        "approve",
        reg.host,
        "--policy",
        "/dev/null",
        "--key",
        "/etc/hostname",
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        "bulwark: SIGNATURE_INVALID: --key: /etc/hostname is not an unencrypted PEM private key (ECDSA P-256, Ed25519 or RSA)\n",
      );
    });
  },
);
