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
  findings: VulnerabilityFinding[];
}

/** One group per installed package (same purl at the same path). */
function groupByPackage(findings: VulnerabilityFinding[]): PackageGroup[] {
  const groups = new Map<string, PackageGroup>();
  for (const f of findings) {
    const key = `${f.package.purl}\u0000${f.package.name}@${f.package.version}\u0000${f.location.path}`;
    let g = groups.get(key);
    if (!g) {
      g = { ...f.package, path: f.location.path, findings: [] };
      groups.set(key, g);
    }
    g.findings.push(f);
  }
  const worstOf = new Map<PackageGroup, number>();
  for (const g of groups.values())
    worstOf.set(
      g,
      g.findings.reduce((w, f) => Math.max(w, severityRank(f.severity)), -1),
    );
  const worst = (g: PackageGroup) => worstOf.get(g) ?? -1;
  return [...groups.values()].sort((a, b) => worst(b) - worst(a) || a.name.localeCompare(b.name));
}

/**
 * The version that fixes every fixable finding of the package: the highest fixed
 * version under the ecosystem's comparator. Unfixed findings are counted beside it.
 */
function packageFix(g: PackageGroup): string {
  const fixes = g.findings.map((f) => f.fixedVersion).filter((v): v is string => v !== null);
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
  for (const g of groupByPackage(findings)) {
    const source = g.source && g.source.name !== g.name ? ` (source ${g.source.name})` : "";
    yield `${g.name} ${g.version}${source} → ${packageFix(g)}  [${g.ecosystem}] ${g.path}`;
    for (const f of [...g.findings].sort(bySeverityThenId)) {
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

export function renderTable(report: Report, escape?: (line: string) => string): string {
  return [...tableChunks(report, escape)].join("");
}
