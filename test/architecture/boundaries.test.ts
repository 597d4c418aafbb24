/**
 * The tree's boundaries (.dependency-cruiser.mjs): packages and scanner stages import only what
 * comes before them, never another package's internals, never test code, never in a circle.
 * The same rules run in `npm run lint`; here they also run on a fixture of wrong imports, to
 * prove each rule can fail, and folder-level cycles are counted (the rules forbid file cycles;
 * a cycle between folders can exist without one, so it is counted separately).
 */
import { join } from "node:path";
import { cruise, type ICruiseResult, type IViolation } from "dependency-cruiser";
import { describe, expect, it } from "vitest";
import config from "../../.dependency-cruiser.mjs";

const repo = join(import.meta.dirname, "../..");

const cruised = new Map<string, Promise<ICruiseResult>>();

/** One cruise per tree (the real one takes seconds), shared by the tests. */
function cruiseTree(baseDir: string): Promise<ICruiseResult> {
  if (!cruised.has(baseDir))
    cruised.set(
      baseDir,
      cruise(["packages"], {
        ...config.options,
        baseDir,
        validate: true,
        ruleSet: { forbidden: config.forbidden },
      }).then((out) => out.output as ICruiseResult),
    );
  return cruised.get(baseDir)!;
}

const NOT_SHIPPED = /(\.test\.ts$|\/testutil\/|\/testdata\/|\/testing\/|\/testkit\/)/;

/** Folder of a module at the given depth: 0 = package, 1 = top folder under src/ ("scanner/walker"). */
function folderOf(path: string, depth: 0 | 1): string | undefined {
  const m = /^packages\/([^/]+)\/src\/(.*)$/.exec(path);
  if (!m) return undefined;
  if (depth === 0) return m[1];
  const parts = m[2]!.split("/");
  return parts.length > 1 ? `${m[1]}/${parts[0]}` : `${m[1]}/(index)`;
}

/** Strongly connected groups of more than one folder in the folder import graph (Tarjan). */
export function folderCycles(result: ICruiseResult, depth: 0 | 1): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    const from = folderOf(m.source, depth);
    if (!from || NOT_SHIPPED.test(m.source)) continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved, depth);
      if (!to || to === from || NOT_SHIPPED.test(d.resolved)) continue;
      // A package index re-exports its folders; it is the package's door, not a folder of it.
      if (to.endsWith("/(index)") || from.endsWith("/(index)")) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups;
}

const ruleNames = (vs: IViolation[]): string[] => [...new Set(vs.map((v) => v.rule.name))].sort();

describe("import boundaries", () => {
  it("the tree breaks no boundary rule", async () => {
    const r = await cruiseTree(repo);
    const lines = r.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(lines).toEqual([]);
    expect(r.summary.totalCruised).toBeGreaterThan(300);
  });

  it("the tree has zero folder-level and package-level import cycles", async () => {
    const r = await cruiseTree(repo);
    const folders = folderCycles(r, 1);
    const packages = folderCycles(r, 0);
    console.log(`import cycles: ${folders.length} between folders, ${packages.length} between packages`);
    expect(folders).toEqual([]);
    expect(packages).toEqual([]);
  });

  it("every rule fires on the fixture of deliberately wrong imports", async () => {
    const fixture = join(import.meta.dirname, "testdata/wrong");
    const r = await cruiseTree(fixture);
    expect(ruleNames(r.summary.violations)).toEqual([
      "no-circular",
      "no-internals",
      "package-order:image",
      "stage-order:walker",
    ]);
    expect(folderCycles(r, 1)).toEqual([["model/a", "model/b"]]);
  });
});
