/**
 * One odd jar never aborts a scan (issues 10 and 11, defect 1): jars built here with the
 * JDK's `jar` tool and Debian's own maven-repo jars (no pom.properties) go through the
 * real CLI; each gets the best identity available, and the ones without a groupId get
 * an issue entry instead of "internal error: Invalid purl".
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../../../cli/src/testutil/cli.js";
import type { Inventory } from "../../../../model/src/package.js";
import { hasCommand, run } from "../testutil/testcache.js";
import { groupFromRepoPath } from "./repo-layout.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "bulwark-java-identity-"));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `jar cf` with the given extra files: the JDK tool writes only a bare MANIFEST.MF itself. */
function buildJar(out: string, files: Record<string, string>): void {
  const src = tmp();
  writeFileSync(join(src, "Hello.class"), "not really bytecode; the cataloger never reads it");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(src, name, ".."), { recursive: true });
    writeFileSync(join(src, name), text);
  }
  run("jar", ["cf", out, "-C", src, "."]);
}

async function sbomOf(root: string): Promise<{ code: number; inv: Inventory; stderr: string }> {
  const r = await runCli(["--cache-dir", tmp(), "sbom", `rootfs:${root}`, "--format", "json"]);
  return { code: r.code, stderr: r.stderr, inv: (r.code === 0 ? JSON.parse(r.stdout) : {}) as Inventory };
}

describe("maven repository layout", () => {
  it("reads the groupId from the directories under a known repository root", () => {
    expect(
      groupFromRepoPath(
        "/usr/share/maven-repo/org/apache/maven/maven-core/3.8.7/maven-core-3.8.7.jar",
        "maven-core",
      ),
    ).toBe("org.apache.maven");
    expect(groupFromRepoPath("/root/.m2/repository/a/b/x/1.0/x-1.0.jar", "x")).toBe("a.b");
    expect(groupFromRepoPath("/opt/app/lib/x-1.0.jar", "x")).toBeUndefined();
    expect(groupFromRepoPath("/usr/share/maven-repo/x/1.0/x-1.0.jar", "x")).toBeUndefined();
  });
});

describe.skipIf(!hasCommand("jar"))("jars without a full maven identity (jar built by the test)", () => {
  it("records a jar with no pom.properties and one whose pom.properties lacks groupId; exit 0", async () => {
    const root = tmp();
    mkdirSync(join(root, "opt/app/lib"), { recursive: true });
    buildJar(join(root, "opt/app/lib/name-1.0.jar"), {});
    buildJar(join(root, "opt/app/lib/nogroup-2.1.jar"), {
      "META-INF/maven/x/nogroup/pom.properties": "artifactId=nogroup\nversion=2.1\n",
    });
    const { code, inv, stderr } = await sbomOf(root);
    expect(stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    const names = inv.packages.map((p) => `${p.name}@${p.version} purl=${p.purl}`).sort();
    expect(names).toEqual(["name@1.0 purl=", "nogroup@2.1 purl="]);
    const issues = inv.issues.filter((i) => i.code === "purl-incomplete").map((i) => i.path);
    expect(issues.sort()).toEqual(["/opt/app/lib/name-1.0.jar", "/opt/app/lib/nogroup-2.1.jar"]);
  });

  it("scan rootfs with such a jar exits 0 and lists the issue", async () => {
    const root = tmp();
    mkdirSync(join(root, "lib"), { recursive: true });
    buildJar(join(root, "lib/name-1.0.jar"), {});
    const r = await runCli([
      "--cache-dir",
      tmp(),
      "scan",
      "rootfs",
      root,
      "--scanners",
      "secret",
      "--format",
      "json",
    ]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    // The scan goes on and says which package lacks a full identity, in the report's issues.
    const report = JSON.parse(r.stdout) as { issues: Array<{ path: string; code: string }> };
    expect(report.issues.filter((i) => i.code === "purl-incomplete").map((i) => i.path)).toEqual([
      "/lib/name-1.0.jar",
    ]);
  });
});

const MAVEN_REPO = "/usr/share/maven-repo";
const MAVEN_CORE = join(MAVEN_REPO, "org/apache/maven/maven-core/3.8.7/maven-core-3.8.7.jar");
const noMavenRepo = existsSync(MAVEN_CORE) ? "" : "Debian libmaven3-core-java not installed";

describe.skipIf(noMavenRepo)("Debian's own maven-repo jars (libmaven3-core-java)", () => {
  it("sbom of the real /usr/share/maven-repo exits 0 and records every jar it finds", async () => {
    const { code, inv, stderr } = await sbomOf(MAVEN_REPO);
    expect(stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    expect(inv.packages.length).toBeGreaterThan(0);
    for (const p of inv.packages.filter((x) => !x.purl))
      expect(inv.issues.some((i) => i.code === "purl-incomplete" && i.path === p.locations[0]?.path)).toBe(
        true,
      );
  });

  it("a copied maven-repo tree gets its groupId from the repository layout", async () => {
    const root = tmp();
    const dest = join(root, "usr/share/maven-repo/org/apache/maven/maven-core/3.8.7");
    mkdirSync(dest, { recursive: true });
    copyFileSync(realpathSync(MAVEN_CORE), join(dest, "maven-core-3.8.7.jar"));
    const { code, inv } = await sbomOf(root);
    expect(code).toBe(0);
    const core = inv.packages.find((p) => p.name === "maven-core");
    expect(core?.namespace).toBe("org.apache.maven");
    expect(core?.purl).toMatch(/^pkg:maven\/org\.apache\.maven\/maven-core@/);
  });
});
