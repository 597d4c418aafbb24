import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyVex, loadVexFiles } from "@bulwark/scanner";
import { prioritize } from "./rank.js";
import type { RuntimeContext } from "./types.js";
import { notInUseVex } from "./vex.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-vex-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const finding = (id: string, name: string) => ({
  kind: "vulnerability" as const,
  id,
  aliases: [],
  severity: "HIGH" as const,
  package: { name, version: "1.0", purl: `pkg:pypi/${name}@1.0`, ecosystem: "PyPI" },
  fixedVersion: "2.0",
  kev: false,
  location: { path: `/app/${name}-1.0.dist-info/METADATA` },
});

describe("OpenVEX out → bulwark scan --vex in", () => {
  it("the reader `scan --vex` uses suppresses only the never-loaded package's finding", () => {
    const findings = [finding("CVE-2024-0001", "used"), finding("CVE-2024-0002", "idle")];
    const ctx: RuntimeContext = {
      inUse: {
        packages: new Set(["pkg:pypi/used@1.0"]),
        window: { from: "2026-12-03T07:00:00Z", to: "2026-12-03T08:00:00Z" },
        source: "test",
      },
    };
    const file = join(dir, "out.vex.json");
    writeFileSync(
      file,
      JSON.stringify(
        notInUseVex(
          prioritize(findings, () => ctx),
          ctx,
          "registry.example/app:1",
        ),
      ),
    );
    const result = applyVex(findings, loadVexFiles([file]));
    expect(result.kept.map((f) => f.id)).toEqual(["CVE-2024-0001"]);
    expect(result.suppressed.map((s) => [s.finding.id, s.by])).toEqual([["CVE-2024-0002", "vex"]]);
  });
});
