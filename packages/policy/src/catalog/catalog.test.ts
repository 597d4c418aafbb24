import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdmissionController } from "../admission/controller.js";
import { openCatalogStore } from "../cli/catalog-context.js";
import { loadPolicySet } from "../policy/load.js";
import { admissionReview, workloadObject } from "../testing/kubectl.js";
import { catalogFacts } from "./admission-facts.js";
import { MATCH_TESTDATA, runCli, startRegistry, type RunningRegistry } from "../testing/deps.js";
import { buildPolicyImage, pushImage, remoteDigest } from "../testing/images.js";
import {
  cosignPayload,
  opensslKeyPair,
  opensslSign,
  pushCosignSignature,
} from "../testing/openssl-cosign.js";
import { missingTools } from "../../../testkit/src/tools.js";

// A real registry, real images, the real `bulwark db update` from two local mirrors: the
// first without CVE-2023-0001, the second with it (critical, in KEV). The re-match runs with
// the registry stopped: nothing is pulled or scanned again.
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl", "zip"];
const missing = missingTools(TOOLS);

let work: string;
let reg: RunningRegistry;
let cache: string;
let data: string;
let policy: string;
let oldDigest: string;
let registryStopped = false;

async function mirror(name: string, advisories: string[], kev: boolean): Promise<string> {
  const root = join(work, name);
  await mkdir(join(root, "osv", "Debian"), { recursive: true });
  execFileSync("zip", [
    "-q",
    "-j",
    join(root, "osv", "Debian", "all.zip"),
    ...advisories.map((a) => join(MATCH_TESTDATA, "debian", a)),
  ]);
  if (kev) {
    await mkdir(join(root, "kev"), { recursive: true });
    await copyFile(
      join(MATCH_TESTDATA, "kev", "known_exploited_vulnerabilities.json"),
      join(root, "kev", "known_exploited_vulnerabilities.json"),
    );
  }
  return root;
}

const cli = (...args: string[]) => runCli(["--quiet", "--cache-dir", cache, ...args]);
const pol = () => ["--policy", policy, "--data-dir", data];

async function pushSigned(tag: string, repo: string, key: string) {
  await pushImage(join(work, "layout"), tag, `${reg.host}/${repo}:1`);
  const digest = await remoteDigest(`${reg.host}/${repo}:1`);
  const payload = cosignPayload(`${reg.host}/${repo}`, digest);
  await pushCosignSignature({
    registry: reg.host,
    repo,
    digest,
    payload,
    signatureB64: opensslSign(key, "ecdsa", payload),
  });
  return digest;
}

describe.skipIf(missing.length > 0)(
  `registry catalog${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-catalog-"));
      cache = join(work, "cache");
      data = join(work, "data");
      reg = await startRegistry({ dir: work });
      const { key } = opensslKeyPair(work, "cosign");
      policy = join(work, "policy.yaml");
      await writeFile(
        policy,
        `apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: prod }\nspec:\n  vulnerabilities: { maxSeverity: HIGH, kev: deny }\n  signatures:\n    - keys: [{ publicKey: cosign.pub }]\n`,
      );
      const layout = join(work, "layout");
      await buildPolicyImage(layout, "patched", work, { opensslVersion: "3.0.13-1~deb12u1", user: "1000" });
      await buildPolicyImage(layout, "vulnerable", work, {
        opensslVersion: "3.0.11-1~deb12u2",
        user: "1000",
      });
      await pushSigned("patched", "team/app", key);
      oldDigest = await pushSigned("vulnerable", "team/old", key);
      const v1 = await mirror("mirror-v1", ["DEBIAN-CVE-2023-0009.json"], false);
      const r = await cli("db", "update", "--source", v1);
      expect(r.code).toBe(0);
    }, 180_000);
    afterAll(async () => {
      if (!registryStopped) await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("scans the registry (every repository, every tag, each digest once) and lists verdicts", async () => {
      const r = await cli("registry", "scan", reg.host, ...pol());
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("2 repositories, 2 tags, 2 digests scanned, 0 reused");
      const again = await cli("registry", "scan", reg.host, ...pol());
      expect(again.stdout).toContain("2 repositories, 2 tags, 0 digests scanned, 0 reused");
      const list = await cli("catalog", "list", "--data-dir", data, "--format", "json");
      const rows = JSON.parse(list.stdout) as Array<{
        image: string;
        verdict: string;
        signer: string;
        tags: Array<{ tag: string }>;
      }>;
      expect(rows.map((x) => [x.image.replace(/@.*/, ""), x.verdict, x.tags.map((t) => t.tag)])).toEqual([
        [`${reg.host}/team/app`, "allow", ["1"]],
        [`${reg.host}/team/old`, "allow", ["1"]],
      ]);
      expect(rows[0]?.signer).toMatch(/^signed with .*cosign\.pub$/);
    });

    it("watch sees a newly pushed tag; a moved tag keeps its history", async () => {
      const watching = cli("registry", "watch", reg.host, ...pol(), "--interval", "1", "--iterations", "5");
      await pushImage(join(work, "layout"), "patched", `${reg.host}/team/old:2`);
      await pushImage(join(work, "layout"), "patched", `${reg.host}/team/old:1`); // tag 1 moves to the patched digest
      const w = await watching;
      expect(w.code).toBe(0);
      expect(w.stdout).toContain(`new tag ${reg.host}/team/old:2`);
      expect(w.stdout).toContain(`new tag ${reg.host}/team/old:1`);
      const show = await cli(
        "catalog",
        "show",
        `${reg.host}/team/old@${oldDigest}`,
        "--data-dir",
        data,
        "--format",
        "json",
      );
      const [old] = JSON.parse(show.stdout) as Array<{ tags: Array<{ tag: string }> }>;
      expect(old?.tags.map((t) => t.tag)).toEqual(["1"]);
      const current = await cli(
        "catalog",
        "show",
        `${reg.host}/team/old:1`,
        "--data-dir",
        data,
        "--format",
        "json",
      );
      expect((JSON.parse(current.stdout) as Array<{ image: string }>)[0]?.image).not.toContain(oldDigest);
    });

    it("after db update, re-matching from the store flips the vulnerable image to deny (registry stopped)", async () => {
      const v2 = await mirror("mirror-v2", ["DEBIAN-CVE-2023-0001.json", "DEBIAN-CVE-2023-0009.json"], true);
      expect((await cli("db", "update", "--source", v2)).code).toBe(0);
      await reg.stop();
      registryStopped = true; // the shared helper's stop() waits for an exit event that already came
      const r = await cli("catalog", "rematch", ...pol());
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${reg.host}/team/old@${oldDigest}: allow -> deny`);
      expect(r.stdout).toContain(
        "[prod/vulnerabilities.kev] known exploited (CISA KEV): CVE-2023-0001 (libssl3)",
      );
      expect(r.stdout).toMatch(/2 of 2 inventories re-matched, \d+ images judged, 1 verdicts changed/);
      const list = await cli("catalog", "list", "--data-dir", data);
      expect(list.stdout).toMatch(
        new RegExp(`DENY\\s+${reg.host.replace(/\./g, "\\.")}/team/old@${oldDigest}`),
      );
    });

    it("admission judges a catalogued digest on its stored scan (registry still stopped)", async () => {
      const vulnPolicy = join(work, "vuln-only.yaml");
      await writeFile(
        vulnPolicy,
        `apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: vulns }\nspec:\n  vulnerabilities: { maxSeverity: HIGH, kev: deny }\n`,
      );
      const store = await openCatalogStore({ dataDir: data });
      try {
        const controller = new AdmissionController({
          set: loadPolicySet([vulnPolicy]),
          access: {},
          facts: catalogFacts(store, {}),
          timeoutMs: 2000,
        });
        const pinned = `${reg.host}/team/old@${oldDigest}`;
        const answer = (await controller.review(
          admissionReview(workloadObject("Deployment", "web", pinned)),
        )) as {
          response: { allowed: boolean; status?: { message: string } };
        };
        expect(answer.response.allowed).toBe(false);
        expect(answer.response.status?.message).toContain("[vulns/vulnerabilities.kev]");
        // Not in the catalog and the registry is down: fail closed, with the reason.
        const unknown = (await controller.review(
          admissionReview(workloadObject("Pod", "web", `${reg.host}/team/old@sha256:${"0".repeat(64)}`)),
        )) as { response: { allowed: boolean; status?: { message: string } } };
        expect(unknown.response.allowed).toBe(false);
        expect(unknown.response.status?.message).toMatch(/could not check images \(failure mode closed\)/);
      } finally {
        await store.close();
      }
    });

    it("bad input: an unknown image, a bad format → one line, exit 2", async () => {
      const r = await cli("catalog", "show", "nowhere/x:1", "--data-dir", data);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        "bulwark: POLICY_INVALID: nowhere/x:1: not in the catalog (bulwark registry scan first)\n",
      );
      expect((await cli("catalog", "list", "--data-dir", data, "--format", "xml")).code).toBe(2);
    });
  },
);
