import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureDb, MATCH_TESTDATA, runCli, startRegistry, type RunningRegistry } from "../testing/deps.js";
import { buildPolicyImage, pushImage, remoteDigest } from "../testing/images.js";
import {
  cosignPayload,
  opensslKeyPair,
  opensslSign,
  pushCosignSignature,
} from "../testing/openssl-cosign.js";
import { missingTools } from "../../../testkit/src/tools.js";

// End to end: real registry, real images, a real vulnerability database built from the
// Debian OSV fixtures (CVE-2023-0001: critical, in the KEV fixture, fixed in 3.0.13-1~deb12u1).
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl", "zip"];
const missing = missingTools(TOOLS);

let work: string;
let reg: RunningRegistry;
let cache: string;

const policy = (extra = "") => `apiVersion: bulwark.dev/v1
kind: ImagePolicy
metadata: { name: prod }
spec:
  registries: ["127.0.0.1:*/team/*"]
  vulnerabilities: { maxSeverity: HIGH, kev: deny, ignoreUnfixed: true }
  misconfigurations: { deny: [BW-IMG-001] }
  signatures:
    - keys: [{ publicKey: cosign.pub }]
${extra}`;

async function check(target: string, policyText: string, ...extra: string[]) {
  const file = join(work, `policy-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, policyText);
  return runCli(["--quiet", "--cache-dir", cache, "policy", "check", target, "--policy", file, ...extra]);
}

async function pushSigned(layoutTag: string, repo: string) {
  await pushImage(join(work, "layout"), layoutTag, `${reg.host}/${repo}:1`);
  const digest = await remoteDigest(`${reg.host}/${repo}:1`);
  const payload = cosignPayload(`${reg.host}/${repo}`, digest);
  const signatureB64 = opensslSign(join(work, "cosign.key"), "ecdsa", payload);
  await pushCosignSignature({ registry: reg.host, repo, digest, payload, signatureB64 });
  return digest;
}

describe.skipIf(missing.length > 0)(
  `bulwark policy check${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-policy-cli-"));
      reg = await startRegistry({ dir: work });
      ({ cacheDir: cache } = await fixtureDb(
        { Debian: join(MATCH_TESTDATA, "debian") },
        join(MATCH_TESTDATA, "kev", "known_exploited_vulnerabilities.json"),
      ));
      opensslKeyPair(work, "cosign");
      const layout = join(work, "layout");
      await buildPolicyImage(layout, "patched", work, { opensslVersion: "3.0.13-1~deb12u1", user: "1000" });
      await buildPolicyImage(layout, "vulnerable", work, {
        opensslVersion: "3.0.11-1~deb12u2",
        user: "1000",
      });
      await buildPolicyImage(layout, "root", work, { opensslVersion: "3.0.13-1~deb12u1" });
      await pushSigned("patched", "team/app");
      await pushSigned("vulnerable", "team/old");
      await pushSigned("root", "team/root");
      await pushSigned("patched", "elsewhere/app");
      await pushImage(layout, "patched", `${reg.host}/team/unsigned:1`);
    }, 180_000);
    afterAll(async () => {
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("allows a patched, signed image from an allowed registry: exit 0", async () => {
      const r = await check(`${reg.host}/team/app:1`, policy());
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/team\/app:1 \(sha256:[0-9a-f]{64}\): ALLOW\n$/);
    });

    it("denies a vulnerable image with reasons naming each rule: exit 1", async () => {
      const r = await check(`${reg.host}/team/old:1`, policy(), "--format", "json");
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout) as {
        decision: { verdict: string; reasons: Array<{ rule: string; message: string }> };
      };
      expect(j.decision.verdict).toBe("deny");
      expect(j.decision.reasons.map((x) => x.rule).sort()).toEqual([
        "vulnerabilities.kev",
        "vulnerabilities.maxSeverity",
      ]);
      expect(j.decision.reasons[0]?.message).toContain("CVE-2023-0001 (libssl3)");
    });

    it("denies a root image, an unsigned image and a foreign registry", async () => {
      const root = await check(`${reg.host}/team/root:1`, policy());
      expect(root.code).toBe(1);
      expect(root.stdout).toMatch(/prod\s+misconfigurations\s+image checks failed: BW-IMG-001/);
      const unsigned = await check(`${reg.host}/team/unsigned:1`, policy());
      expect(unsigned.code).toBe(1);
      expect(unsigned.stdout).toMatch(
        /signatures\s+no required signature verified \(#0: no signature found\)/,
      );
      const foreign = await check(`${reg.host}/elsewhere/app:1`, policy());
      expect(foreign.code).toBe(1);
      expect(foreign.stdout).toMatch(/registries\s+.*elsewhere\/app is not in the allowed registries/);
    });

    it("an unexpired exception waives, and says so; an expired one does not", async () => {
      const ex = (d: string) =>
        `  exceptions:\n    - { image: "127.0.0.1:*/team/old", expires: ${d}, reason: "vendor fix pending" }\n`;
      const ok = await check(`${reg.host}/team/old:1`, policy(ex("2999-01-31")));
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain("waived until 2999-01-31 (vendor fix pending)");
      expect((await check(`${reg.host}/team/old:1`, policy(ex("2001-01-31")))).code).toBe(1);
    });

    it("bad input: an unknown key, a bad glob, a bad format → one line, exit 2", async () => {
      const unknown = await check(`${reg.host}/team/app:1`, policy().replace("registries:", "registry:"));
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(
        /^bulwark: POLICY_INVALID: .*policy-\w+\.yaml:5: unknown key "registry" in \/spec\n$/,
      );
      const glob = await check(`${reg.host}/team/app:1`, policy().replace("team/*", "team/{a,b}"));
      expect(glob.stderr).toMatch(/:5: invalid glob "127\.0\.0\.1:\*\/team\/\{a,b\}": character "\{"/);
      expect(glob.code).toBe(2);
      const fmt = await check(`${reg.host}/team/app:1`, policy(), "--format", "xml");
      expect(fmt.code).toBe(2);
      expect(fmt.stdout).toBe("");
    });

    it("policy test runs a folder of cases against expected verdicts", async () => {
      const dir = join(work, "cases");
      execFileSync("mkdir", ["-p", dir]);
      await writeFile(
        join(dir, "prod.yaml"),
        `apiVersion: bulwark.dev/v1\nkind: ImagePolicyTest\ncases:\n` +
          `  - { name: patched, image: "${reg.host}/team/app:1", expect: allow }\n` +
          `  - { name: vulnerable, image: "${reg.host}/team/old:1", expect: deny, rules: [vulnerabilities.kev] }\n`,
      );
      const file = join(work, "p-test.yaml");
      await writeFile(file, policy());
      const pass = await runCli(["--quiet", "--cache-dir", cache, "policy", "test", dir, "--policy", file]);
      expect(pass.stdout).toContain("2 passed, 0 failed");
      expect(pass.code).toBe(0);
      await writeFile(
        join(dir, "wrong.yaml"),
        `apiVersion: bulwark.dev/v1\nkind: ImagePolicyTest\ncases:\n  - { name: wrong, image: "${reg.host}/team/old:1", expect: allow }\n`,
      );
      const fail = await runCli(["--quiet", "--cache-dir", cache, "policy", "test", dir, "--policy", file]);
      expect(fail.stdout).toMatch(
        /FAIL {2}wrong: expected allow, got deny \[vulnerabilities.maxSeverity, vulnerabilities.kev\]/,
      );
      expect(fail.code).toBe(1);
    });
  },
);
