import type {
  FileIssue,
  MisconfigFinding,
  ScanOptions,
  FinalFindings,
  ScanResult,
  ComplianceReport,
} from "@bulwark/model";
import { catalog } from "./catalog.js";
import { buildCompliance, countByCheck, parseFramework } from "./compliance.js";
import type { FrameworkName } from "./frameworks.js";
import { toFinding, type RawFinding } from "./raw.js";
import { Suppressor } from "./suppress.js";
import type { CheckMeta } from "./types.js";

const NO_SCOPE = { headerStart: 0, start: 0, end: 0 };

/** Gathers findings, suppressions, per-file issues and which checks ran, for one scan. */
export class Collector {
  readonly evaluated = new Set<string>();
  readonly findings: MisconfigFinding[] = [];
  readonly issues: FileIssue[] = [];
  readonly warnings: string[] = [];
  readonly summary: Record<string, unknown> = {};
  private readonly suppressor = new Suppressor();

  add(raw: RawFinding): void {
    const f = toFinding(raw);
    if (!this.suppressor.apply(f, raw.scope, raw.file, raw.inline, raw.annotations)) this.findings.push(f);
  }

  /** A finding with no suppression directives of its own (image config, host files). */
  addPlain(meta: CheckMeta, file: string, line: number, message?: string): void {
    this.add({ meta, file, line, message, scope: { line, ...NO_SCOPE }, inline: [] });
  }

  result(options: Pick<ScanOptions, "compliance">): ScanResult {
    const framework = parseFramework(options.compliance);
    // Plain code-unit order: stable across locales and much cheaper than localeCompare.
    const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
    this.findings.sort((a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.id, b.id));
    const summary: Record<string, unknown> = {
      ...this.summary,
      misconfigChecksEvaluated: this.evaluated.size,
    };
    const compliance = (final: FinalFindings): Record<string, unknown> =>
      framework ? { compliance: complianceOf(framework, this.evaluated, final) } : {};
    // Without the orchestrator (library use, bench) only this scanner's own suppressions count.
    Object.assign(summary, compliance({ findings: this.findings, suppressed: this.suppressor.suppressed }));
    return {
      findings: this.findings,
      suppressed: this.suppressor.suppressed,
      issues: this.issues,
      warnings: [...this.warnings, ...this.suppressor.warnings],
      summary,
      ...(framework ? { finalSummary: compliance } : {}),
    };
  }
}

/** The compliance view from the misconfiguration findings that remain and those suppressed. */
function complianceOf(
  framework: FrameworkName,
  evaluated: ReadonlySet<string>,
  final: FinalFindings,
): ComplianceReport {
  const failed = new Set<string>();
  for (const f of final.findings) if (f.kind === "misconfiguration") failed.add(f.id);
  const suppressed = countByCheck(
    final.suppressed.filter((s) => s.finding.kind === "misconfiguration").map((s) => s.finding.id),
  );
  return buildCompliance(framework, catalog(), evaluated, failed, suppressed);
}
