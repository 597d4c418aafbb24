import { existsSync, statSync } from "node:fs";
import {
  BulwarkError,
  buildReport,
  type Finding,
  type Report,
  type Suppressed,
  VERSION,
  type ScanOptions,
  type FinalFindings,
  type ImageScanInput,
  type ScanResult,
  type Scanner,
} from "@bulwark/model";
import { applyIgnores, loadIgnoreFile, type IgnoreEntry } from "../findings/ignore.js";
import { applyVex, loadVexFiles, type VexStatement } from "../findings/vex.js";
import { withImageInput } from "./pipeline.js";
import { scanners as registered } from "./registry.js";
import { scanStdin, STDIN_TARGET } from "../misconfig/stdin.js";

export type TargetKind = "image" | "rootfs" | "fs" | "config" | "host";

/** Options of one scan: the scanners' options plus what the orchestrator applies afterwards. */
export interface RunOptions extends ScanOptions {
  /** `.bulwarkignore.yaml` to apply; default ./.bulwarkignore.yaml when it exists. */
  ignoreFile?: string;
  /** Working directory where the default ignore file is looked for. */
  cwd?: string;
  /** Scanners to pick from (default: the registry); tests pass their own. */
  registry?: Scanner[];
  /** Walk every layer even when the layer cache holds it (handed to the pipeline). */
  noCache?: boolean;
}

export const DEFAULT_SCANNERS: Record<TargetKind, string[]> = {
  image: ["vuln", "secret"],
  rootfs: ["vuln", "secret"],
  fs: ["vuln", "secret"],
  config: ["misconfig", "secret"],
  host: ["misconfig"],
};

const KNOWN = ["vuln", "misconfig", "secret", "malware"];

/**
 * The scanners to run. Names the user typed must exist; defaults quietly skip scanners
 * this build does not have, and scanners that cannot scan this kind of target.
 */
export function selectScanners(kind: TargetKind, names: string[], available: Scanner[]): Scanner[] {
  const explicit = names.length > 0;
  const wanted = explicit ? names : DEFAULT_SCANNERS[kind];
  const picked: Scanner[] = [];
  for (const name of wanted) {
    const scanner = available.find((s) => s.name === name);
    if (!scanner) {
      if (!explicit) continue;
      if (!KNOWN.includes(name))
        throw new BulwarkError("USAGE", `unknown scanner "${name}" (expected ${KNOWN.join(", ")})`);
      throw new BulwarkError("USAGE", `the ${name} scanner is not available in this build`);
    }
    if (!supports(scanner, kind)) {
      if (explicit) throw new BulwarkError("USAGE", `the ${name} scanner cannot scan ${kind} targets`);
      continue;
    }
    if (!picked.includes(scanner)) picked.push(scanner);
  }
  if (!picked.length) throw new BulwarkError("USAGE", `no scanner can scan ${kind} targets`);
  return picked;
}

function supports(s: Scanner, kind: TargetKind): boolean {
  if (kind === "image") return Boolean(s.scanImage);
  if (kind === "rootfs") return Boolean(s.scanImage);
  if (kind === "host") return Boolean(s.scanHost);
  return Boolean(s.scanPath ?? s.scanImage);
}

async function runScanners(
  kind: TargetKind,
  target: string,
  selected: Scanner[],
  opts: RunOptions,
): Promise<ScanResult[]> {
  if (kind === "image" || kind === "rootfs") {
    const imageTarget = kind === "rootfs" && !target.startsWith("rootfs:") ? `rootfs:${target}` : target;
    const extra = selected.flatMap((s) => s.analyzers?.(opts) ?? []);
    return withImageInput(imageTarget, extra, opts, async (input) => {
      const results: ScanResult[] = [inventoryIssues(input)];
      for (const s of selected) results.push(await s.scanImage!(input, opts));
      return results;
    });
  }
  const path = kind === "host" ? target || "/" : target;
  if (!existsSync(path)) throw new BulwarkError("TARGET_NOT_FOUND", `${path} does not exist`);
  const results: ScanResult[] = [];
  for (const s of selected) {
    if (kind === "host") results.push(await s.scanHost!(path, opts));
    else if (s.scanPath) results.push(await s.scanPath(path, opts));
    else results.push(...(await scanTreeAsImage(s, path, opts)));
  }
  return results;
}

/** Inventory issues carry the same codes as FileIssue, typed as plain strings there. */
function inventoryIssues(input: ImageScanInput): ScanResult {
  return { findings: [], issues: input.inventory.issues as ScanResult["issues"] };
}

/** A scanner of images only (vuln) sees a directory as a root filesystem: one walk, its own analyzers. */
async function scanTreeAsImage(s: Scanner, path: string, opts: RunOptions): Promise<ScanResult[]> {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory())
    return [
      { findings: [], warnings: [`${s.name}: ${path} is not a directory; ${s.label} scanning skipped`] },
    ];
  return withImageInput(`rootfs:${path}`, s.analyzers?.(opts) ?? [], opts, async (input) => [
    inventoryIssues(input),
    await s.scanImage!(input, opts),
  ]);
}

function uniqueIssues(results: ScanResult[]): Report["issues"] {
  const seen = new Set<string>();
  const out: Report["issues"] = [];
  for (const i of results.flatMap((r) => r.issues ?? [])) {
    const key = `${i.layer ?? ""}\u0000${i.path}\u0000${i.code}\u0000${i.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(i);
    }
  }
  return out;
}

/** --severity and --ignore-unfixed narrow the report; what they removed is counted, not listed. */
function filterFindings(
  findings: Finding[],
  opts: RunOptions,
): { kept: Finding[]; filtered: Record<string, number> } {
  let kept = findings;
  const filtered: Record<string, number> = {};
  if (opts.ignoreUnfixed) {
    const before = kept.length;
    kept = kept.filter((f) => f.kind !== "vulnerability" || f.fixedVersion !== null);
    filtered.unfixed = before - kept.length;
  }
  if (opts.severities?.length) {
    const before = kept.length;
    kept = kept.filter((f) => opts.severities!.includes(f.severity));
    filtered.severity = before - kept.length;
  }
  return { kept, filtered };
}

/**
 * The summary fields scanners compute from what survives every suppression (the compliance
 * view). Suppressions are applied to all findings here, not to the --severity/--ignore-unfixed
 * selection: those filters narrow the listing, they do not make a failed control pass.
 */
function finalSummaries(
  results: ScanResult[],
  all: Finding[],
  ignores: IgnoreEntry[],
  vex: VexStatement[],
): Record<string, unknown> {
  const hooks = results.filter((r) => r.finalSummary);
  if (!hooks.length) return {};
  const ignored = applyIgnores(all, ignores);
  const vexed = applyVex(ignored.kept, vex);
  const final: FinalFindings = {
    findings: vexed.kept,
    suppressed: [...results.flatMap((r) => r.suppressed ?? []), ...ignored.suppressed, ...vexed.suppressed],
  };
  return Object.assign({}, ...hooks.map((r) => r.finalSummary!(final)));
}

/**
 * Scans one target with the selected scanners (an image is read once whatever runs),
 * then applies the filters, the ignore file and VEX, and builds the report.
 */
export async function scanTarget(kind: TargetKind, target: string, opts: RunOptions): Promise<Report> {
  const selected = selectScanners(kind, opts.scanners, opts.registry ?? registered);
  // Read the suppressions and the database before the (possibly long) scan, so bad input fails fast.
  const ignores = loadIgnoreFile(opts.ignoreFile, opts.cwd);
  const vex = loadVexFiles(opts.vexFiles ?? []);
  for (const s of selected) s.preflight?.(opts);

  const results =
    kind === "config" && target === STDIN_TARGET
      ? await scanStdin(opts.cacheDir, (path) => runScanners(kind, path, selected, opts))
      : await runScanners(kind, target, selected, opts);
  const all = results.flatMap((r) => r.findings);
  const { kept: narrowed, filtered } = filterFindings(all, opts);
  const ignored = applyIgnores(narrowed, ignores);
  const vexed = applyVex(ignored.kept, vex);
  const suppressed: Suppressed[] = [
    ...results.flatMap((r) => r.suppressed ?? []),
    ...ignored.suppressed,
    ...vexed.suppressed,
  ];
  const warnings = [...new Set([...results.flatMap((r) => r.warnings ?? []), ...ignored.warnings])];
  const extraSummary: Record<string, unknown> = Object.assign(
    {},
    ...results.map((r) => r.summary ?? {}),
    finalSummaries(results, all, ignores, vex),
  );
  extraSummary.scanners = selected.map((s) => s.name);
  if (Object.keys(filtered).length) extraSummary.filtered = filtered;
  return buildReport({
    target,
    version: VERSION,
    findings: vexed.kept,
    suppressed,
    issues: uniqueIssues(results),
    warnings,
    extraSummary,
  });
}
