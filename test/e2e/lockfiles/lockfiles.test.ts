/**
 * Lockfiles end to end: a source tree whose lockfiles were written by the real tools
 * at test time (npm v1/v2/v3 and shrinkwrap, yarn classic and Berry, pnpm, the Go
 * tool) or shipped by real projects on this machine (bundler's Gemfile.lock in Debian's
 * ruby gems, pipenv's Pipfile.lock in google-cloud-sdk), plus a hand-written
 * requirements.txt (people write those). `sbom` must list exactly each lockfile's own
 * entries, and `scan fs` exactly the advisories that an independent evaluation of the
 * OSV mirror (osv_eval.py, Python, no shared code) computes.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../packages/cli/src/testutil/cli.js";
import type { Report, VulnerabilityFinding } from "../../../packages/model/src/finding.js";
import type { Inventory, Package } from "../../../packages/model/src/package.js";
import { SHARED_VULNDB } from "../../../packages/scanner/src/match/testutil/testdb.js";
import { updateVulnDb } from "../../../packages/vulndb/src/update.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PINS = { lodash: "4.17.4", minimist: "0.0.8" };
const DEV_PINS = { ms: "0.7.0" };
const JS_ENTRIES = ["lodash@4.17.4", "minimist@0.0.8", "ms@0.7.0"];
const GO_PINS = ["golang.org/x/text@v0.3.7", "github.com/gin-gonic/gin@v1.6.0"];
const GEMFILE = "/usr/lib/ruby/gems/3.1.0/gems/rbs-2.1.0/steep/Gemfile.lock";
const PIPFILE = "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/rsa/Pipfile.lock";

const noMirror = existsSync(join(SHARED_VULNDB, "osv")) ? "" : `no OSV mirror at ${SHARED_VULNDB}`;

const dirs: string[] = [];
function tmp(prefix = "bulwark-e2e-lock-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 300_000,
  });
}

function jsProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "demo", version: "1.0.0", dependencies: PINS, devDependencies: DEV_PINS }),
  );
  return dir;
}

const NPM = ["--ignore-scripts", "--no-audit", "--no-fund"];

/** Every lockfile the tools write here, each in its own folder; returns what could not be made. */
function buildTree(root: string): string[] {
  const missing: string[] = [];
  const attempt = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      missing.push(`${what}: ${(e as Error).message.split("\n")[0]}`);
    }
  };
  for (const v of [1, 2, 3])
    attempt(`npm v${v}`, () =>
      sh(
        "npm",
        ["install", "--package-lock-only", ...NPM, `--lockfile-version=${v}`],
        jsProject(join(root, `npm-v${v}`)),
      ),
    );
  attempt("npm shrinkwrap", () => {
    const d = jsProject(join(root, "shrinkwrap"));
    sh("npm", ["install", "--package-lock-only", ...NPM], d);
    sh("npm", ["shrinkwrap", ...NPM], d);
  });
  attempt("yarn classic", () =>
    sh(
      "npx",
      ["-y", "yarn@1.22.22", "install", "--ignore-scripts", "--non-interactive", "--no-progress"],
      jsProject(join(root, "yarn-classic")),
    ),
  );
  attempt("yarn berry", () => {
    const d = jsProject(join(root, "yarn-berry"));
    writeFileSync(join(d, "yarn.lock"), "");
    execFileSync(
      "npx",
      ["-y", "-p", "@yarnpkg/cli-dist@4.5.0", "yarn", "install", "--mode=update-lockfile"],
      {
        cwd: d,
        env: { ...process.env, YARN_ENABLE_TELEMETRY: "0", YARN_NODE_LINKER: "node-modules" },
        stdio: "ignore",
        timeout: 300_000,
      },
    );
  });
  attempt("pnpm", () =>
    sh(
      "npx",
      ["-y", "pnpm@9.15.0", "install", "--lockfile-only", "--ignore-scripts"],
      jsProject(join(root, "pnpm")),
    ),
  );
  attempt("go", () => {
    const d = join(root, "go");
    mkdirSync(d);
    sh("go", ["mod", "init", "example.com/demo"], d);
    for (const pin of GO_PINS) sh("go", ["mod", "edit", `-require=${pin}`], d);
  });
  // Hand-written: requirements files are written by people, not generated.
  mkdirSync(join(root, "python"));
  writeFileSync(
    join(root, "python/requirements.txt"),
    "Django==3.2.0\nrequests==2.19.0\nflask>=1.0\n-r base.in\n-r requirements-dev.txt\n-r ../../../elsewhere.txt\n",
  );
  writeFileSync(join(root, "python/base.in"), "urllib3==1.24.1\n");
  writeFileSync(join(root, "python/requirements-dev.txt"), "pytest==6.0.0\n");
  for (const [file, dir] of [
    [GEMFILE, "ruby"],
    [PIPFILE, "pipenv"],
  ] as const) {
    // Their tests skip (and say so) when these real project files are absent.
    if (existsSync(file)) {
      mkdirSync(join(root, dir));
      copyFileSync(file, join(root, dir, file.slice(file.lastIndexOf("/") + 1)));
    }
  }
  return missing;
}

let root = "";
let cacheDir = "";
let missing: string[] = [];
let inv: Inventory;

beforeAll(async () => {
  root = tmp();
  cacheDir = tmp("bulwark-e2e-lockcache-");
  missing = buildTree(root);
  const r = await runCli(["--cache-dir", cacheDir, "sbom", `rootfs:${root}`, "--format", "json"]);
  expect(r.code).toBe(0);
  inv = JSON.parse(r.stdout) as Inventory;
}, 900_000);

function entriesOf(lockfile: string): string[] {
  const named = (p: Package) => `${p.namespace ? `${p.namespace}/` : ""}${p.name}@${p.version}`;
  return inv.packages
    .filter((p) => p.locations.some((l) => l.path === lockfile))
    .map(named)
    .sort();
}

/** Gemfile.lock's GEM specs as bundler itself reads them. */
function bundlerSpecs(file: string): string[] {
  const ruby = `require "bundler"; l = Bundler::LockfileParser.new(File.read(ARGV[0])); puts l.specs.select { |s| s.source.is_a?(Bundler::Source::Rubygems) }.map { |s| "#{s.name}@#{s.version}" }.uniq`;
  // Bundler wants a Gemfile beside it to resolve its cache path; an empty one will do.
  const dir = tmp();
  writeFileSync(join(dir, "Gemfile"), "");
  return sh("ruby", ["-e", ruby, file], dir).trim().split("\n").filter(Boolean).sort();
}

describe("packages equal each lockfile's own entries", () => {
  it("reports which lockfiles the tools could not write here", () => {
    // Tools need the npm registry (yarn, pnpm) — listed, not silently dropped.
    expect(missing, missing.join("; ")).toEqual([]);
  });

  for (const [dir, file] of [
    ["npm-v1", "package-lock.json"],
    ["npm-v2", "package-lock.json"],
    ["npm-v3", "package-lock.json"],
    ["shrinkwrap", "npm-shrinkwrap.json"],
    ["yarn-classic", "yarn.lock"],
    ["yarn-berry", "yarn.lock"],
    ["pnpm", "pnpm-lock.yaml"],
  ] as const)
    it(`${dir}/${file}: exactly the pinned packages`, () => {
      if (!existsSync(join(root, dir, file))) return void expect(missing.join()).toMatch(dir.split("-")[0]!);
      expect(entriesOf(`/${dir}/${file}`)).toEqual(JS_ENTRIES);
    });

  it("npm and pnpm lockfiles carry dev flags and lines", () => {
    for (const file of ["/npm-v3/package-lock.json", "/npm-v1/package-lock.json", "/pnpm/pnpm-lock.yaml"]) {
      const ms = inv.packages.find((p) => p.name === "ms" && p.locations.some((l) => l.path === file));
      const loc = ms?.locations.find((l) => l.path === file);
      expect(loc?.line, file).toBeGreaterThan(1);
    }
  });

  it("go.mod (go mod edit): the required modules", () => {
    expect(entriesOf("/go/go.mod")).toEqual([...GO_PINS].sort());
  });

  it.skipIf(!existsSync(GEMFILE))("Gemfile.lock (real project file): what bundler's own parser reads", () => {
    expect(entriesOf("/ruby/Gemfile.lock")).toEqual(bundlerSpecs(GEMFILE));
  });

  it.skipIf(!existsSync(PIPFILE))("Pipfile.lock (real project file): default + develop", () => {
    const json = JSON.parse(sh("cat", [PIPFILE], "/")) as Record<
      string,
      Record<string, { version?: string }>
    >;
    const expected = ["default", "develop"].flatMap((s) =>
      Object.entries(json[s] ?? {})
        .filter(([, v]) => v.version)
        .map(([n, v]) => `${n}@${v.version!.replace(/^==/, "")}`),
    );
    expect(entriesOf("/pipenv/Pipfile.lock")).toEqual([...new Set(expected)].sort());
  });

  it("requirements: pinned entries, the unpinned one as a not-checkable issue, dev file marked dev", () => {
    expect(entriesOf("/python/requirements.txt")).toEqual(["Django@3.2.0", "requests@2.19.0"]);
    expect(inv.issues).toContainEqual(
      expect.objectContaining({ path: "/python/requirements.txt", code: "not-checkable" }),
    );
    const pytest = inv.packages.find((p) => p.name === "pytest");
    expect(pytest?.metadata?.dev).toBe(true);
  });

  it("requirements: -r includes followed inside the tree; one outside it is an issue", () => {
    expect(entriesOf("/python/base.in")).toEqual(["urllib3@1.24.1"]);
    const notFollowed = inv.issues.filter((i) => i.code === "not-followed").map((i) => i.message);
    expect(notFollowed).toEqual([
      "/python/requirements.txt:6: include ../../../elsewhere.txt is not in the scanned tree",
    ]);
  });
});

describe.skipIf(noMirror)("advisories equal an independent evaluation of the OSV mirror", () => {
  it("scan fs finds exactly the records osv_eval.py finds", async () => {
    await updateVulnDb({ cacheDir, source: SHARED_VULNDB });
    const r = await runCli([
      "--cache-dir",
      cacheDir,
      "scan",
      "fs",
      root,
      "--scanners",
      "vuln",
      "--format",
      "json",
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const eco: Record<string, string> = { npm: "npm", pypi: "PyPI", golang: "Go" };
    const input = inv.packages
      .filter((p) => eco[p.type])
      .map((p) => JSON.stringify({ ecosystem: eco[p.type], name: p.name, version: p.version }))
      .join("\n");
    const out = execFileSync("/usr/bin/python3", [join(HERE, "osv_eval.py"), SHARED_VULNDB], {
      input,
      encoding: "utf8",
    });
    const expected = new Set(
      out
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { name: string; version: string; id: string })
        .map((m) => `${m.name}@${m.version} ${m.id}`),
    );
    expect(expected.size).toBeGreaterThan(5);
    const vulns = report.findings.filter((f): f is VulnerabilityFinding => f.kind === "vulnerability");
    const actual = new Set<string>();
    for (const f of vulns) {
      const ids = [f.id, ...(f.aliases ?? [])].map((id) => `${f.package.name}@${f.package.version} ${id}`);
      const hit = ids.filter((k) => expected.has(k));
      expect(hit.length, `unexpected finding ${ids[0]}`).toBeGreaterThan(0);
      hit.forEach((k) => actual.add(k));
    }
    expect([...actual].sort()).toEqual([...expected].sort());
  }, 600_000);
});

describe("--skip-dev and installed packages", () => {
  it("--skip-dev leaves out what npm marks dev", async () => {
    if (!existsSync(join(root, "npm-v3/package-lock.json"))) return;
    const base = ["--cache-dir", tmp(), "sbom", `rootfs:${join(root, "npm-v3")}`, "--format", "json"];
    const all = JSON.parse((await runCli(base)).stdout) as Inventory;
    const prod = JSON.parse((await runCli([...base, "--skip-dev"])).stdout) as Inventory;
    expect(all.packages.map((p) => p.name).sort()).toEqual(["lodash", "minimist", "ms"]);
    expect(prod.packages.map((p) => p.name).sort()).toEqual(["lodash", "minimist"]);
  });

  it("a package installed by npm ci and in the lockfile is one package with both locations", async () => {
    const d = jsProject(join(tmp(), "app"));
    sh("npm", ["install", ...NPM], d);
    const r = await runCli(["--cache-dir", tmp(), "sbom", `rootfs:${d}`, "--format", "json"]);
    const lodash = (JSON.parse(r.stdout) as Inventory).packages.filter((p) => p.name === "lodash");
    expect(lodash).toHaveLength(1);
    expect(lodash[0]?.locations.map((l) => l.path).sort()).toEqual([
      "/node_modules/lodash/package.json",
      "/package-lock.json",
    ]);
  }, 300_000);
});
