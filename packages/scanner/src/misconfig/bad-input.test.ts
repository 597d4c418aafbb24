import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isBulwarkError } from "../../../model/src/errors.js";
import type { MisconfigFinding } from "../../../model/src/finding.js";
import { scanConfigPath } from "./engine.js";

const good = `apiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: apps }\nspec: { type: NodePort }\n`;
const dir = mkdtempSync(join(tmpdir(), "bulwark-misconfig-bad-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A billion-laughs document: each level references the previous one nine times. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1];
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n  ${lines.join("\n  ")}\n`;
}

describe("bad input", () => {
  it("records one issue per bad file and still scans the rest", async () => {
    writeFileSync(join(dir, "a-good.yaml"), good);
    writeFileSync(join(dir, "b-invalid.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n");
    writeFileSync(join(dir, "c-bomb.yaml"), aliasBomb());
    // Binary content with a YAML name: a gzip header followed by NUL bytes.
    writeFileSync(
      join(dir, "d-binary.yaml"),
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]),
    );
    // A 100 MB file of NUL bytes (sparse, so the test needs no disk space): over the whole-file
    // cap, so it is streamed, and refused as binary from its first block, never loaded.
    const big = openSync(join(dir, "e-huge.yaml"), "w");
    ftruncateSync(big, 100 * 1024 * 1024);
    closeSync(big);
    writeFileSync(
      join(dir, "f-template.yaml"),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{- include "x" . | nindent 4 }}\n',
    );
    mkdirSync(join(dir, "z"), { recursive: true });
    writeFileSync(join(dir, "z", "later.yaml"), good);

    const heapBefore = process.memoryUsage().heapUsed;
    const r = await scanConfigPath(dir, { cacheDir: dir, scanners: ["misconfig"] });
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(r.findings.map((f) => (f as MisconfigFinding).file)).toEqual(["a-good.yaml", "z/later.yaml"]);
    const issues = Object.fromEntries((r.issues ?? []).map((i) => [i.path, i]));
    expect(Object.keys(issues).sort()).toEqual([
      "b-invalid.yaml",
      "c-bomb.yaml",
      "d-binary.yaml",
      "e-huge.yaml",
      "f-template.yaml",
    ]);
    expect(issues["b-invalid.yaml"]).toMatchObject({
      code: "PARSE",
      message: expect.stringMatching(/^line \d+:/),
    });
    expect(issues["c-bomb.yaml"]).toMatchObject({ code: "PARSE", message: expect.stringMatching(/alias/i) });
    expect(issues["d-binary.yaml"]).toMatchObject({
      code: "PARSE",
      message: expect.stringMatching(/binary/),
    });
    expect(issues["e-huge.yaml"]).toMatchObject({ code: "PARSE", message: expect.stringMatching(/binary/) });
    expect(issues["f-template.yaml"]!.message).toMatch(/unrendered template/);
    // The 100 MB file was never loaded: the heap did not grow by anything near its size.
    expect(heapGrowth).toBeLessThan(50 * 1024 * 1024);
  });

  it("fails clearly on a missing target", async () => {
    const e = await scanConfigPath(join(dir, "nope"), { cacheDir: dir, scanners: [] }).catch(
      (x: unknown) => x,
    );
    expect(isBulwarkError(e) && e.code).toBe("TARGET_NOT_FOUND");
  });

  it("skips vendored directories unless asked", async () => {
    const d = mkdtempSync(join(tmpdir(), "bulwark-misconfig-noise-"));
    try {
      mkdirSync(join(d, "node_modules", "x"), { recursive: true });
      writeFileSync(join(d, "node_modules", "x", "svc.yaml"), good);
      expect((await scanConfigPath(d, { cacheDir: d, scanners: [] })).findings).toEqual([]);
      expect(
        (await scanConfigPath(d, { cacheDir: d, scanners: [], includeNoise: true })).findings,
      ).toHaveLength(1);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("Helm charts", () => {
  it("skips an unrendered chart's templates/ with a warning and scans its rendered output", async () => {
    const d = mkdtempSync(join(tmpdir(), "bulwark-misconfig-helm-"));
    try {
      mkdirSync(join(d, "chart", "templates"), { recursive: true });
      writeFileSync(join(d, "chart", "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
      writeFileSync(join(d, "chart", "values.yaml"), "replicaCount: 1\n");
      writeFileSync(
        join(d, "chart", "templates", "svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
      );
      writeFileSync(join(d, "rendered.yaml"), `---\n# Source: web/templates/svc.yaml\n${good}`);
      const r = await scanConfigPath(d, { cacheDir: d, scanners: [] });
      expect(r.issues).toEqual([]);
      expect(r.warnings).toEqual([expect.stringMatching(/^chart: Helm chart templates\/ skipped/)]);
      expect(r.findings.map((f) => (f as MisconfigFinding).file)).toEqual(["rendered.yaml"]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
