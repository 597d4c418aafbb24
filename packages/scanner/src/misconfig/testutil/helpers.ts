import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MisconfigFinding, Suppressed } from "../../../../model/src/finding.js";
import type { ScanOptions } from "../../../../model/src/scan-options.js";
import type { ScanResult } from "../../../../model/src/scan.js";
import { scanConfigPath } from "../engine.js";

export type MisconfigResult = Omit<ScanResult, "findings" | "suppressed"> & {
  findings: MisconfigFinding[];
  suppressed: Suppressed[];
};

/** Scans files given as name → text in a throwaway directory (test helper). */
export async function scanFiles(
  files: Record<string, string | Buffer>,
  extra: Partial<ScanOptions> = {},
): Promise<MisconfigResult> {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-misconfig-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = await scanConfigPath(dir, { cacheDir: dir, scanners: ["misconfig"], ...extra });
    return r as MisconfigResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ids = (r: { findings: { id: string }[] }): string[] =>
  [...new Set(r.findings.map((f) => f.id))].sort();

/** A pod manifest with the given spec body (YAML, indented for `spec:`). */
export function pod(spec: string, meta = "  namespace: apps\n"): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${meta}spec:\n${spec}`;
}
