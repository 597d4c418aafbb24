import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scanConfigPath } from "./engine.js";
import { MAX_CONFIG_FILE } from "./files.js";
import { yamlPieces } from "./yaml-stream.js";

// Issue 11, defect 6: configuration files over 8 MiB were skipped ("FILE_TOO_LARGE") rather
// than read; a manifest bundle is now parsed a few documents at a time.
const work = mkdtempSync(join(tmpdir(), "bulwark-yaml-stream-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pod(i: number, privileged: boolean): string {
  return [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    `  name: p-${i}`,
    "  namespace: team",
    `  annotations: { filler: "${"x".repeat(400)}" }`,
    "spec:",
    "  containers:",
    "    - name: app",
    "      image: registry.example.com/app@sha256:" + "a".repeat(64),
    "      securityContext:",
    `        privileged: ${privileged}`,
  ].join("\n");
}

describe("large manifest bundles", () => {
  it("cut pieces only at document starts, keeping every line", () => {
    const file = join(work, "small-pieces.yaml");
    const text = Array.from({ length: 50 }, (_, i) => pod(i, false)).join("\n---\n");
    writeFileSync(file, text);
    const pieces = [...yamlPieces(file, 2000)];
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces.slice(1)) expect(p.text.startsWith("---")).toBe(true);
    expect(pieces.map((p) => p.text).join("\n")).toBe(text);
    let line = 0;
    for (const p of pieces) {
      expect(p.lineOffset).toBe(line);
      line += p.text.split("\n").length;
    }
  });

  it("scans a bundle over the whole-file cap, with findings on the right lines", async () => {
    // Enough pods to pass the cap by 1 MiB; the privileged one sits in the last piece.
    const count = Math.ceil((MAX_CONFIG_FILE + 1024 * 1024) / (pod(0, false).length + 5));
    const docs = Array.from({ length: count }, (_, i) => pod(i, i === count - 3));
    const file = join(work, "bundle.yaml");
    const text = docs.join("\n---\n");
    writeFileSync(file, text);
    expect(text.length).toBeGreaterThan(MAX_CONFIG_FILE);
    const result = await scanConfigPath(file, {} as never);
    expect(result.issues).toEqual([]);
    const privileged = result.findings.filter(
      (f) => f.kind === "misconfiguration" && /privileged/i.test(f.title),
    );
    expect(privileged.map((f) => (f as { line: number }).line)).toEqual([
      text.split("\n").findIndex((l) => l === "        privileged: true") + 1,
    ]);
  });
});
