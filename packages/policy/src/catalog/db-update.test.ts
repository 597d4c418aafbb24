import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MIRROR,
  MIRROR_PRESENT,
  buildUmociImage,
  runCli,
  startRegistry,
  type RunningRegistry,
} from "../testing/deps.js";
import { pushImage, remoteDigest, writeText } from "../testing/images.js";
import { opensslKeyPair } from "../testing/openssl-cosign.js";
import { missingTools } from "../../../testkit/src/tools.js";

// `bulwark db update` against the real Debian feed of ../shared/vulndb. The first update
// imports the feed as it stood before 2025-03-01 (records published later left out: the
// subset is cut from the real all.zip with unzip/zip); the catalog is scanned and approved
// against it; the second update imports the whole feed, and the catalog is re-judged on its
// own with the policy files that judged it: DSA-6015-1 (openssl, 2025-10) makes the fix
// older than 30 days, DSA-5880-1 (freetype, 2025-03, CVE-2025-27363) is in CISA KEV.
const TOOLS = ["docker-registry", "skopeo", "umoci", "openssl", "zip", "unzip"];
const missing = [...missingTools(TOOLS), ...(MIRROR_PRESENT ? [] : [`the vulnerability mirror ${MIRROR}`])];
const CUTOFF = "2025-03-01";

const OS_RELEASE = 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
function dpkg(binary: string, source: string, version: string): string {
  return `Package: ${binary}\nStatus: install ok installed\nArchitecture: amd64\nSource: ${source} (${version})\nVersion: ${version}\nDescription: test\n\n`;
}

let work: string;
let reg: RunningRegistry;
let cache: string;
let data: string;
let policy: string;
const digests: Record<string, string> = {};

const cli = (...args: string[]) => runCli(["--quiet", "--cache-dir", cache, ...args]);
/** `bulwark db update` from the full mirror (Debian only) into the test's store. */
const updateFromMirror = (...extra: string[]) =>
  cli("db", "update", "--source", MIRROR, "--ecosystems", "Debian", "--data-dir", data, ...extra);

/** The real Debian feed minus the records published on or after `CUTOFF`. */
async function feedBefore(): Promise<string> {
  const root = join(work, "mirror-before");
  const records = join(work, "records");
  await mkdir(records, { recursive: true });
  execFileSync("unzip", ["-q", join(MIRROR, "osv", "Debian", "all.zip"), "-d", records]);
  const keep: string[] = [];
  for (const name of await readdir(records)) {
    const published = (JSON.parse(await readFile(join(records, name), "utf8")) as { published?: string })
      .published;
    if (!published || published < CUTOFF) keep.push(name);
    else await rm(join(records, name));
  }
  expect(keep.length).toBeGreaterThan(1000);
  await mkdir(join(root, "osv", "Debian"), { recursive: true });
  execFileSync("zip", ["-q", "-r", "-j", join(root, "osv", "Debian", "all.zip"), "."], { cwd: records });
  await mkdir(join(root, "kev"));
  await copyFile(
    join(MIRROR, "kev", "known_exploited_vulnerabilities.json"),
    join(root, "kev", "known_exploited_vulnerabilities.json"),
  );
  return root;
}

async function push(repo: string, status: string) {
  const layout = join(work, "layout");
  await buildUmociImage(
    layout,
    { tag: repo, layers: [{ files: { "/etc/os-release": OS_RELEASE, "/var/lib/dpkg/status": status } }] },
    work,
  );
  await pushImage(layout, repo, `${reg.host}/team/${repo}:1`);
  digests[repo] = await remoteDigest(`${reg.host}/team/${repo}:1`);
}

describe.skipIf(missing.length > 0)(
  `db update re-matches the catalog (real Debian feed)${missing.length ? ` (skipped: ${missing.join(", ")} missing)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-dbupdate-"));
      cache = join(work, "cache");
      data = join(work, "data");
      reg = await startRegistry({ dir: work });
      await push("tls", dpkg("libssl3", "openssl", "3.0.17-1~deb12u2"));
      await push("fonts", dpkg("libfreetype6", "freetype", "2.12.1+dfsg-5+deb12u3"));
      await push("plain", dpkg("base-files", "base-files", "12.4+deb12u5"));
      policy = await writeText(
        join(work, "policy.yaml"),
        "apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: prod }\nspec:\n  vulnerabilities: { kev: deny, fixableOlderThanDays: 30 }\n",
      );
    });
    afterAll(async () => {
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("an update with no catalog yet re-matches nothing and creates no data directory", async () => {
      const r = await cli("db", "update", "--source", await feedBefore(), "--data-dir", data);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^imported \d+ advisories/);
      expect(r.stdout).not.toContain("catalog:");
      expect(existsSync(data)).toBe(false);
    });

    it("the catalog is scanned and approved against the older feed", async () => {
      const scan = await cli("registry", "scan", reg.host, "--policy", policy, "--data-dir", data);
      expect(scan.stderr).toBe("");
      expect(scan.code).toBe(0);
      expect(scan.stdout).toContain("3 repositories, 3 tags, 3 digests scanned, 0 reused");
      const { key } = opensslKeyPair(work, "org");
      const approve = await cli(
        "registry",
        "approve",
        reg.host,
        "--policy",
        policy,
        "--key",
        key,
        "--data-dir",
        data,
      );
      expect(approve.code).toBe(0);
      expect(approve.stdout).toContain("3 image(s) signed");
    });

    it("the full feed flips the images a newer advisory hits, with reasons, from the store alone", async () => {
      const r = await updateFromMirror();
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split("\n");
      expect(lines[lines.length - 1]).toBe(
        "catalog: 3 of 3 inventories re-matched, 3 images judged, 2 verdicts changed",
      );
      const tls = lines.find((l) => l.startsWith(`${reg.host}/team/tls@${digests.tls}: allow -> deny`));
      expect(tls).toContain(
        "[prod/vulnerabilities.fixableOlderThanDays] a fix has been available for more than 30 days:",
      );
      expect(tls).toContain("(libssl3)");
      const fonts = lines.find((l) => l.startsWith(`${reg.host}/team/fonts@${digests.fonts}: allow -> deny`));
      expect(fonts).toMatch(
        /\[prod\/vulnerabilities\.kev\] known exploited \(CISA KEV\): [^;]*\(libfreetype6\)/,
      );
      expect(r.stdout).not.toContain("team/plain");

      const show = await cli(
        "catalog",
        "show",
        `${reg.host}/team/tls:1`,
        "--data-dir",
        data,
        "--format",
        "json",
      );
      const [row] = JSON.parse(show.stdout) as Array<{
        verdict: string;
        history: Array<{ before: string; after: string }>;
      }>;
      expect(row?.verdict).toBe("deny");
      expect(row?.history.map((h) => `${h.before}->${h.after}`)).toEqual(["allow->deny"]);
    });

    it("a second update changes no verdict; an explicit --policy that cannot load fails with one line", async () => {
      const again = await updateFromMirror();
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(
        "catalog: 3 of 3 inventories re-matched, 3 images judged, 0 verdicts changed",
      );
      const bad = await updateFromMirror("--policy", join(work, "nope.yaml"));
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toContain("the database was updated, but the catalog was not re-matched");
    });
  },
);
