/**
 * Every lockfile parser on a small sample in its tool's layout (testdata/samples.ts):
 * the packages, the line of each entry and the dev flag.
 */
import { describe, expect, it } from "vitest";
import type { Package } from "../../../../model/src/package.js";
import { lockParserFor } from "./registry.js";
import { parseRequirements } from "./python/requirements.js";
import { SAMPLES } from "./testdata/samples.js";

function show(p: Package): string {
  const name = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  return `${p.type} ${name}@${p.version} :${p.locations[0]?.line ?? "?"}${p.metadata?.dev ? " dev" : ""}`;
}

describe("lockfile parsers on samples", () => {
  for (const [file, sample] of Object.entries(SAMPLES)) {
    it(`${file}: packages, lines and dev flags`, async () => {
      const load = lockParserFor(file);
      expect(load).toBeDefined();
      const out = (await load!())(sample.text, `/src/${file}`);
      expect(out.packages.map(show).sort()).toEqual([...sample.expect].sort());
      for (const p of out.packages) expect(p.metadata?.lockfile).toBe(`/src/${file}`);
    });
  }

  it("requirements: unpinned entries are not-checkable notes with their line", async () => {
    const out = (await lockParserFor("requirements.txt")!())(
      SAMPLES["requirements.txt"]!.text,
      "/r/requirements.txt",
    );
    expect(out.notes).toEqual([
      {
        code: "not-checkable",
        message: "/r/requirements.txt:4: flask>=1.0 is not pinned to one version (use name==version)",
      },
    ]);
  });

  it("requirements: -r includes are followed once, cycles stop, missing ones are noted", () => {
    const files: Record<string, string> = {
      "/p/requirements.txt": "-r base.in\n-r missing.txt\nrequests==2.19.0\n",
      "/p/base.in": "-r requirements.txt\nDjango==3.2.0\n",
    };
    const out = parseRequirements(files["/p/requirements.txt"]!, "/p/requirements.txt", {
      readInclude: (_from, target) => {
        const path = `/p/${target}`;
        return files[path] !== undefined ? { path, text: files[path] } : undefined;
      },
    });
    expect(out.packages.map(show).sort()).toEqual(["pypi Django@3.2.0 :2", "pypi requests@2.19.0 :3"]);
    expect(out.notes.map((n) => n.code)).toEqual(["not-followed"]);
  });

  it("pom.xml: what is not resolved is said", async () => {
    const out = (await lockParserFor("pom.xml")!())(SAMPLES["pom.xml"]!.text, "/pom.xml");
    expect(out.notes).toEqual([
      {
        code: "unresolved",
        message: "/pom.xml:23: org.slf4j:slf4j-api has no version here (parent POM or BOM)",
      },
    ]);
  });

  it("file names that are not dependency files get no parser", () => {
    for (const f of ["package.json", "requirements.in", "go.sum", "Cargo.toml", "lock.yaml"])
      expect(lockParserFor(f), f).toBeUndefined();
  });
});
