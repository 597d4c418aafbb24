import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, offer } from "../testutil/testing.js";
import { debianPackages, run } from "../testutil/testcache.js";
import { packagesOf, walkDir } from "../testutil/testwalk.js";
import { parseMetadataHeaders, pythonAnalyzer, pythonLicenses } from "./python.js";

const SITE = "/usr/lib/python3/dist-packages";
/** Debian's own python; the pyenv one on PATH does not see Debian's dist-packages. */
const PY = "/usr/bin/python3";

describe.skipIf(
  !existsSync(PY) || !existsSync(SITE) ? "needs Debian's /usr/bin/python3 and dist-packages" : "",
)("python analyzer on this machine's dist-packages", () => {
  it("finds the distributions importlib.metadata finds, at their metadata files", async () => {
    const ours = packagesOf(await walkDir(pythonAnalyzer, SITE, SITE))
      .map((p) => `${p.name} ${p.version} ${p.locations[0]?.path}`)
      .sort();
    const script = [
      "import importlib.metadata as m, os",
      `for d in m.distributions(path=[${JSON.stringify(SITE)}]):`,
      "    p = str(d._path)",
      "    f = p if os.path.isfile(p) else os.path.join(p, 'METADATA' if p.endswith('.dist-info') else 'PKG-INFO')",
      "    print(d.metadata['Name'], d.version, f)",
    ].join("\n");
    const theirs = execFileSync(PY, ["-c", script], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l !== "")
      .sort();
    expect(theirs.length).toBeGreaterThan(5);
    // The fixture covers all three layouts.
    expect(theirs.some((l) => l.endsWith("/METADATA"))).toBe(true);
    expect(theirs.some((l) => l.endsWith("/PKG-INFO"))).toBe(true);
    expect(theirs.some((l) => l.endsWith(".egg-info") && statSync(l.split(" ")[2] ?? "").isFile())).toBe(
      true,
    );
    expect(ours).toEqual(theirs);
  });
});

describe("a Debian python3 package's own metadata", () => {
  it("is located at the path dpkg lists for the package (the de-duplication key)", async () => {
    const { root, debs } = debianPackages(["python3-six"]);
    const pkgs = packagesOf(await walkDir(pythonAnalyzer, join(root, "usr"), "/usr"));
    expect(pkgs.map((p) => [p.name, p.version, p.licenses])).toEqual([["six", "1.16.0", ["MIT"]]]);
    const listed = run("sh", ["-c", `dpkg-deb -c ${debs}/*.deb`]);
    expect(listed).toContain(`.${pkgs[0]?.locations[0]?.path}`);
  });
});

describe("metadata details", () => {
  it("prefers License-Expression, then a short License, then classifiers", () => {
    const f = (t: string) => pythonLicenses(parseMetadataHeaders(t));
    expect(f("Name: a\nLicense-Expression: MIT OR Apache-2.0\nLicense: BSD\n")).toEqual([
      "MIT OR Apache-2.0",
    ]);
    expect(f("Name: a\nLicense: BSD-3-Clause\n")).toEqual(["BSD-3-Clause"]);
    expect(f("Name: a\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n")).toEqual([
      "MIT",
    ]);
    expect(f("Name: a\nLicense: Copyright x\n        long text\nClassifier: Topic :: X\n")).toEqual([]);
    // Hostile classifiers naming Object.prototype members stay the text they are.
    expect(f("Name: a\nClassifier: License :: constructor\nClassifier: License :: __proto__\n")).toEqual([
      "constructor",
      "__proto__",
    ]);
    // The body after the first blank line is the description, never headers.
    expect(parseMetadataHeaders("Name: a\n\nLicense: no\n").has("license")).toBe(false);
  });

  it("reports metadata without Name or Version as PARSE", async () => {
    await expect(
      offer(pythonAnalyzer, bufferFile("/x/a-1.dist-info/METADATA", "Metadata-Version: 2.1\n")),
    ).rejects.toMatchObject({
      code: "PARSE",
    });
  });
});
