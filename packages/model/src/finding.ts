/** The finding model shared by every scanner and every report writer. */
export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface VulnerabilityFinding {
  kind: "vulnerability";
  /** Preferred id (CVE when the record has one, else the OSV id). */
  id: string;
  aliases: string[];
  /** CVEs a distribution advisory fixes (OSV `upstream`), e.g. the CVEs of a DSA. */
  upstream?: string[];
  severity: Severity;
  /**
   * Set when the severity is not the matched advisory's own: the id of the record it was
   * read from (a distribution advisory without a rating takes its CVEs' rating, e.g.
   * `DEBIAN-CVE-2024-1234`'s urgency, else another record's CVSS for the CVE).
   */
  severitySource?: string;
  title?: string;
  /** OS packages: `name` is the binary package, `source` the source package the advisory names. */
  package: {
    name: string;
    version: string;
    purl: string;
    ecosystem: string;
    source?: { name: string; version: string };
  };
  /** null when no fixed version exists ("unfixed"). */
  fixedVersion: string | null;
  /**
   * When a fix was first published: the earliest `published` date of the matched advisories
   * that name a fixed version (ISO). Absent when there is no fix or no advisory dates it.
   */
  fixPublished?: string;
  /** fixed, affected (unfixed), will_not_fix, … as the data says. */
  status?: string;
  kev: boolean;
  epss?: number;
  cvss?: { version: string; vector: string; score: number }[];
  location: { path: string; layer?: string };
  references?: string[];
}

export interface MisconfigFinding {
  kind: "misconfiguration";
  id: string;
  severity: Severity;
  title: string;
  file: string;
  /** 1-based. */
  line: number;
  resource?: { kind: string; namespace?: string; name: string };
  message?: string;
  remediation: string;
  mappings: Record<string, string[]>;
}

export interface SecretFinding {
  kind: "secret";
  /** The rule id. */
  id: string;
  severity: Severity;
  title: string;
  file: string;
  /** 1-based. */
  line: number;
  /** Layer digest for images. */
  layer?: string;
  /** For images: set when a later layer deletes or overwrites the file (the secret still ships in `layer`). */
  removedIn?: string;
  /** Redacted: a few characters at each end only. */
  match: string;
  fingerprint: string;
  /** Whether the rule matched the secret's own shape or only its provider's name beside it. */
  detection?: "keyword-context" | "structural";
  /**
   * Set by `scan --vault-leaks` when the value is one the vault manages (matched by keyed
   * hash, never by value): leaked, rotate now. `path` is the vault's MOUNT/PATH.
   */
  vaultLeak?: { path: string; field: string; version: number; remediation: string };
}

/** A file that matched a malicious-content rule (YARA rule or known-bad hash). */
export interface MalwareFinding {
  kind: "malware";
  /** The rule id (built-in `BMW-…`, a user YARA rule's `id` meta or name, or `known-bad-hash`). */
  id: string;
  severity: Severity;
  title: string;
  /** Family: miner, webshell, reverse-shell, persistence, packed, test-file, known-bad, user. */
  category: string;
  file: string;
  /** Layer digest for images. */
  layer?: string;
  /** For images: set when a later layer deletes or overwrites the file (it still ships in `layer`). */
  removedIn?: string;
  /** sha256 hex of the file's bytes. */
  sha256: string;
  /** MITRE ATT&CK technique ids, e.g. ["T1496"]. */
  mitre: string[];
  /** What recognised it: the YARA engine, or the user's hash list. */
  engine: "yara" | "hash";
}

export type Finding = VulnerabilityFinding | MisconfigFinding | SecretFinding | MalwareFinding;

/** A finding that a suppression removed; always listed in the report, never dropped silently. */
export interface Suppressed {
  finding: Finding;
  /** "ignore-file", "inline", "vex", "annotation", "baseline" */
  by: string;
  reason: string;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: "bulwark"; version: string };
  target: string;
  generatedAt: string;
  findings: Finding[];
  summary: {
    total: number;
    bySeverity: Record<Severity, number>;
    suppressed: Suppressed[];
    [extra: string]: unknown;
  };
  /** Files that could not be read or parsed; the rest of the target was still scanned. */
  issues: Array<{ path: string; code: string; message: string; layer?: string }>;
  warnings?: string[];
}

/** A `--compliance` view: framework controls and their status from the findings. */
export type ControlStatus = "pass" | "fail" | "not-applicable";

export interface ComplianceControl {
  id: string;
  title?: string;
  status: ControlStatus;
  /** Bulwark checks mapped to the control. */
  checks: string[];
  /** The mapped checks that produced findings nothing suppressed. */
  failed: string[];
  /**
   * Findings of the mapped checks that were suppressed with a reason (inline, annotation,
   * ignore file). They do not fail the control, but they are counted so a "pass" that
   * rests on accepted risks is visible. Absent when there are none.
   */
  suppressed?: number;
  /** The mapped checks those suppressed findings came from. */
  suppressedChecks?: string[];
}

export interface ComplianceReport {
  /** A framework name of `--compliance` (see the misconfiguration frameworks). */
  framework: string;
  title: string;
  controls: ComplianceControl[];
  /** `passWithSuppressions`: passing controls that have suppressed findings. */
  totals: { pass: number; fail: number; notApplicable: number; passWithSuppressions: number };
}
