import { stat } from "node:fs/promises";
import {
  BulwarkError,
  errorMessage,
  type FileIssue,
  type SecretFinding,
  type Suppressed,
  type ScanOptions,
  type ImageScanInput,
  type ScanResult,
  type Scanner,
} from "@bulwark/model";
import { loadBaseline } from "./baseline.js";
import { buildContext, type SecretContext } from "./config.js";
import { imageConfigHits, imageLayerHits, secretAnalyzer } from "./image.js";
import { fingerprint } from "./redact.js";
import { scanTreeThreaded } from "./parallel.js";
import { countSkips } from "./tree.js";
import type { SecretHit } from "./types.js";

interface Located {
  file: string;
  hit: SecretHit;
  layer?: string;
  removedIn?: string;
}

export function toFinding(item: Located): SecretFinding {
  const { file, hit } = item;
  const finding: SecretFinding = {
    kind: "secret",
    id: hit.ruleId,
    severity: hit.severity,
    title: hit.title,
    file,
    line: hit.line,
    match: hit.match,
    fingerprint: fingerprint(hit.ruleId, file, hit.line, hit.secretHash),
    detection: hit.detection,
  };
  if (item.layer) finding.layer = item.layer;
  if (item.removedIn) finding.removedIn = item.removedIn;
  return finding;
}

/** Splits hits into findings and suppressed findings (inline comment, then baseline); nothing is dropped. */
async function settle(items: Located[], options: ScanOptions, ctx: SecretContext): Promise<ScanResult> {
  const baseline = options.baseline ? await loadBaseline(options.baseline) : new Set<string>();
  const findings: SecretFinding[] = [];
  const suppressed: Suppressed[] = [];
  for (const item of items) {
    if (!ctx.enabled(item.hit.ruleId)) continue;
    const finding = toFinding(item);
    if (item.hit.allowed !== undefined) suppressed.push({ finding, by: "inline", reason: item.hit.allowed });
    else if (baseline.has(finding.fingerprint))
      suppressed.push({ finding, by: "baseline", reason: `fingerprint listed in ${options.baseline}` });
    else findings.push(finding);
  }
  return { findings, suppressed };
}

async function scanPath(path: string, options: ScanOptions): Promise<ScanResult> {
  const ctx = buildContext(options);
  try {
    await stat(path);
  } catch (e) {
    throw new BulwarkError("TARGET_NOT_FOUND", `cannot scan ${path}: ${errorMessage(e)}`);
  }
  const rules = { secretConfig: options.secretConfig, disableRules: options.disableRules };
  const tree = await scanTreeThreaded(ctx, rules, path, {
    includeNoise: options.includeNoise ?? false,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  const result = await settle(tree.hits, options, ctx);
  const issues: FileIssue[] = [];
  const warnings: string[] = [];
  for (const s of tree.skipped) {
    if (s.reason === "unreadable")
      issues.push({ path: s.path, code: "IO", message: `secret scan: ${s.detail}` });
    else if (s.reason === "too-large")
      issues.push({ path: s.path, code: "FILE_TOO_LARGE", message: `not scanned for secrets: ${s.detail}` });
    else if (s.reason === "too-deep") warnings.push(`secret scan: ${s.path} not scanned: ${s.detail}`);
  }
  result.issues = issues;
  if (warnings.length) result.warnings = warnings;
  result.summary = {
    secret: {
      rules: ctx.engine.rules.length,
      filesScanned: tree.filesScanned,
      bytesScanned: tree.bytesScanned,
      skipped: countSkips(tree.skipped),
    },
  };
  return result;
}

async function scanImage(input: ImageScanInput, options: ScanOptions): Promise<ScanResult> {
  const ctx = buildContext(options);
  const items: Located[] = [...imageLayerHits(input), ...imageConfigHits(ctx, input)];
  const result = await settle(items, options, ctx);
  result.summary = {
    secret: {
      rules: ctx.engine.rules.length,
      removedButPresent: result.findings.filter((f) => f.kind === "secret" && f.removedIn).length,
    },
  };
  return result;
}

/** Secret detection: source trees, manifests, every image layer, image config. */
export const secretScanner: Scanner = {
  name: "secret",
  label: "secret",
  // Disabled rules are filtered after the walk, so that disabling one keeps cached layer results.
  analyzers: (options) => [
    secretAnalyzer(buildContext({ secretConfig: options.secretConfig }), options.includeNoise ?? false),
  ],
  scanImage,
  scanPath,
};
