import {
  severityRank,
  SEVERITIES,
  type Finding,
  type MalwareFinding,
  type MisconfigFinding,
  type Report,
  type SecretFinding,
  type VulnerabilityFinding,
  type ComplianceReport,
} from "@bulwark/model";
import { comparatorForEcosystem } from "@bulwark/vulndb";
import { renderComplianceFallback, renderComplianceTable } from "./compliance.js";
import { shareLine } from "./os-share.js";

function bySeverityThenId<T extends Finding>(a: T, b: T): number {
  return severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** Width of the id column: the longest id in the section, so no id runs into the next column. */
function idWidth(findings: readonly Finding[], min: number): number {
  // A loop, not Math.max(...spread): a spread of 150k+ values overflows the call stack.
  let width = min;
  for (const f of findings) width = Math.max(width, f.id.length + 1);
  return width;
}

function oneLine(s: string | undefined, max = 70): string {
  const t = (s ?? "").replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

interface PackageGroup {
  name: string;
  version: string;
  ecosystem: string;
  source?: { name: string; version: string };
  path: string;
  /** Sorted by severity, then id. */
  findings: VulnerabilityFinding[];
  /** The same findings in the order the report lists them. */
  seen: VulnerabilityFinding[];
}

/**
 * Findings grouped per installed package (same purl at the same path) as compact arrays:
 * `members` holds finding indices, group by group (each sorted by severity then id),
 * `starts[g]` where group g begins, and `order` the groups worst first, then by name. Typed
 * arrays of indices rather than a Map of group objects each holding an array: a million
 * findings cost a few megabytes of index, not a second copy of the report's references.
 * Ties keep first-seen order, as the stable sort of group objects did.
 */
interface PackageIndex {
  members: Uint32Array;
  starts: Uint32Array;
  order: Uint32Array;
}

function indexByPackage(findings: readonly VulnerabilityFinding[]): PackageIndex {
  const groupOf = new Uint32Array(findings.length);
  const firstOf: number[] = [];
  const keys = new Map<string, number>();
  findings.forEach((f, i) => {
    const key = `${f.package.purl}\u0000${f.package.name}@${f.package.version}\u0000${f.location.path}`;
    let g = keys.get(key);
    if (g === undefined) {
      g = firstOf.push(i) - 1;
      keys.set(key, g);
    }
    groupOf[i] = g;
  });
  keys.clear();
  const groups = firstOf.length;
  const worst = new Int8Array(groups).fill(-1);
  const starts = new Uint32Array(groups + 1);
  findings.forEach((f, i) => {
    const g = groupOf[i]!;
    starts[g + 1]!++;
    worst[g] = Math.max(worst[g]!, severityRank(f.severity));
  });
  for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g]!;
  const members = new Uint32Array(findings.length);
  const next = starts.slice(0, groups);
  for (let i = 0; i < findings.length; i++) members[next[groupOf[i]!]!++] = i;
  const byFinding = (a: number, b: number) => bySeverityThenId(findings[a]!, findings[b]!) || a - b;
  for (let g = 0; g < groups; g++) members.subarray(starts[g], starts[g + 1]).sort(byFinding);
  const name = (g: number) => findings[firstOf[g]!]!.package.name;
  const order = new Uint32Array(groups).map((_, g) => g);
  order.sort((a, b) => worst[b]! - worst[a]! || name(a).localeCompare(name(b)) || a - b);
  return { members, starts, order };
}

/** Group g's package and its findings, already sorted. */
function groupAt(findings: readonly VulnerabilityFinding[], ix: PackageIndex, g: number): PackageGroup {
  const members = ix.members.subarray(ix.starts[g], ix.starts[g + 1]);
  // First-seen order: the package is described by its first finding, and without a
  // comparator the last fix listed wins.
  const seen = Array.from(members).sort((a, b) => a - b);
  const first = findings[seen[0]!]!;
  return {
    ...first.package,
    path: first.location.path,
    findings: Array.from(members, (i) => findings[i]!),
    seen: seen.map((i) => findings[i]!),
  };
}

/**
 * The version that fixes every fixable finding of the package: the highest fixed
 * version under the ecosystem's comparator. Unfixed findings are counted beside it.
 */
function packageFix(g: PackageGroup): string {
  const fixes = g.seen.map((f) => f.fixedVersion).filter((v): v is string => v !== null);
  const unfixed = g.findings.length - fixes.length;
  if (!fixes.length) return "(no fix)";
  const cmp = comparatorForEcosystem(g.ecosystem);
  const best = fixes.reduce((a, b) => (cmp ? (cmp.compare(b, a) > 0 ? b : a) : b));
  return `${best}${unfixed ? ` (${unfixed} without fix)` : ""}`;
}

/** The CVEs a distribution advisory fixes, the first three named. */
function cves(f: VulnerabilityFinding): string {
  const up = f.upstream ?? [];
  if (!up.length) return "";
  return ` (${up.slice(0, 3).join(", ")}${up.length > 3 ? `, +${up.length - 3}` : ""})`;
}

function* vulnSection(findings: VulnerabilityFinding[]): Generator<string> {
  if (!findings.length) return;
  yield* ["Vulnerabilities", ""];
  const width = idWidth(findings, 20);
  const index = indexByPackage(findings);
  for (const id of index.order) {
    const g = groupAt(findings, index, id);
    const source = g.source && g.source.name !== g.name ? ` (source ${g.source.name})` : "";
    yield `${g.name} ${g.version}${source} → ${packageFix(g)}  [${g.ecosystem}] ${g.path}`;
    for (const f of g.findings) {
      const fix = f.fixedVersion ?? (f.status && f.status !== "affected" ? f.status : "unfixed");
      const kev = f.kev ? "KEV " : "";
      yield `  ${pad(f.severity, 9)}${pad(f.id, width)}${pad(`→ ${fix}`, 16)} ${kev}${oneLine(f.title)}${cves(f)}`;
    }
    yield "";
  }
  const fixable = findings.filter((f) => f.fixedVersion !== null).length;
  const kev = findings.filter((f) => f.kev).length;
  yield `${fixable} of ${findings.length} findings have a fix${kev ? `; ${kev} known exploited (KEV)` : ""}`;
  yield shareLine(findings);
  yield "";
}

function* misconfigSection(findings: MisconfigFinding[]): Generator<string> {
  if (!findings.length) return;
  yield* ["Misconfigurations", ""];
  const width = idWidth(findings, 14);
  for (const f of [...findings].sort(bySeverityThenId)) {
    const res = f.resource
      ? ` ${f.resource.kind}/${f.resource.namespace ? `${f.resource.namespace}/` : ""}${f.resource.name}`
      : "";
    yield `  ${pad(f.severity, 9)}${pad(f.id, width)}${f.file}:${f.line}${res}  ${oneLine(f.title)}`;
  }
  yield "";
}

function* secretSection(findings: SecretFinding[]): Generator<string> {
  if (!findings.length) return;
  yield* ["Secrets", ""];
  const width = idWidth(findings, 24);
  for (const f of [...findings].sort(bySeverityThenId)) {
    const layer = f.layer ? ` layer ${f.layer.slice(0, 19)}` : "";
    const removed = f.removedIn ? ` (deleted in ${f.removedIn.slice(0, 19)}, still shipped)` : "";
    // Keyword-context matches say so: the value alone has no shape, only its provider's name beside it.
    const how = f.detection === "keyword-context" ? "  (keyword context)" : "";
    yield `  ${pad(f.severity, 9)}${pad(f.id, width)}${f.file}:${f.line}${layer}${removed}  ${f.match}${how}`;
  }
  yield "";
}

function* malwareSection(findings: MalwareFinding[]): Generator<string> {
  if (!findings.length) return;
  yield* ["Malicious content", ""];
  const width = idWidth(findings, 18);
  for (const f of [...findings].sort(bySeverityThenId)) {
    const layer = f.layer ? ` layer ${f.layer.slice(0, 19)}` : "";
    const removed = f.removedIn ? ` (deleted in ${f.removedIn.slice(0, 19)}, still shipped)` : "";
    const mitre = f.mitre.length ? ` [${f.mitre.join(",")}]` : "";
    yield `  ${pad(f.severity, 9)}${pad(f.id, width)}${f.file}${layer}${removed}  ${oneLine(f.title)}${mitre}  sha256:${f.sha256.slice(0, 16)}`;
  }
  yield "";
}

function header(report: Report): string[] {
  const counts = SEVERITIES.map((s) => `${s}: ${report.summary.bySeverity[s]}`).join(", ");
  return [`Target: ${report.target}`, `Findings: ${report.summary.total} (${counts})`, ""];
}

function tail(report: Report): string[] {
  const lines: string[] = [];
  const sup = report.summary.suppressed;
  if (sup.length) {
    lines.push(`Suppressed: ${sup.length}`);
    for (const s of sup) lines.push(`  ${s.finding.id} (${s.by}): ${oneLine(s.reason, 90)}`);
    lines.push("");
  }
  if (report.issues.length) {
    lines.push(`Files not analysed: ${report.issues.length}`);
    for (const i of report.issues.slice(0, 20))
      lines.push(`  ${i.path}: ${i.code} ${oneLine(i.message, 90)}`);
    if (report.issues.length > 20)
      lines.push(`  … and ${report.issues.length - 20} more (see --format json)`);
    lines.push("");
  }
  for (const w of report.warnings ?? []) lines.push(`Warning: ${w}`);
  return lines;
}

/** The misconfiguration scanner's own table when the summary has its shape; else the plain fallback. */
function complianceLines(compliance: unknown): string[] {
  const c = compliance as Partial<ComplianceReport> | null;
  if (c && Array.isArray(c.controls) && c.totals && typeof c.title === "string")
    return renderComplianceTable(c as ComplianceReport).split("\n");
  return renderComplianceFallback(compliance);
}

function* tableLines(report: Report): Generator<string> {
  const f = report.findings;
  yield* header(report);
  yield* vulnSection(f.filter((x): x is VulnerabilityFinding => x.kind === "vulnerability"));
  yield* misconfigSection(f.filter((x): x is MisconfigFinding => x.kind === "misconfiguration"));
  yield* secretSection(f.filter((x): x is SecretFinding => x.kind === "secret"));
  yield* malwareSection(f.filter((x): x is MalwareFinding => x.kind === "malware"));
  if (report.summary.compliance !== undefined) yield* [...complianceLines(report.summary.compliance), ""];
  if (!f.length) yield* ["No findings.", ""];
  yield* tail(report);
}

/**
 * Human-readable report in pieces: vulnerabilities grouped per package, then
 * misconfigurations and secrets; summary first, so a huge report is still readable from
 * the top. Trailing blank lines are dropped and one newline ends it.
 */
export function* tableChunks(report: Report, escape: (line: string) => string = (l) => l): Generator<string> {
  let held: string | undefined;
  let blanks = "";
  for (const raw of tableLines(report)) {
    // Escaped line by line (a line never holds a structural newline), rather than on a deep
    // copy of the report, which doubled the memory of a million-finding table.
    const line = escape(raw);
    if (line.trim() === "") {
      blanks += `${line}\n`;
      continue;
    }
    if (held !== undefined) yield `${held}\n${blanks}`;
    held = line;
    blanks = "";
  }
  yield `${(held ?? "").trimEnd()}\n`;
}
