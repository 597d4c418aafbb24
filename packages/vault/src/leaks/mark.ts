/**
 * `bulwark scan … --vault-leaks`: after a scan, the secrets it found are matched against the
 * values the vault manages (the scan sends SHA-256 hashes; the vault compares keyed
 * fingerprints — no value leaves the scanner, none is printed). A matching secret finding is
 * marked "leaked, rotate now" with the vault path, raised to CRITICAL and moved to the front
 * of the report so it is rotated first. A leaked value the report does not list (suppressed
 * by a baseline or left out by --severity) is added: a managed secret's leak is never hidden.
 */
import type { Finding, Report, SecretFinding, Severity } from "../deps.js";
import { vaultCall, type ClientOpts } from "../http/client.js";
import {
  imageSecrets,
  leakFindings,
  treeSecrets,
  type LeakFinding,
  type LeakMatch,
  type ScannedSecret,
} from "./scan.js";

export interface VaultLeakOptions extends ClientOpts {
  cacheDir?: string;
}

const sameSpot = (f: SecretFinding, l: LeakFinding): boolean =>
  f.file === l.file && f.line === l.line && (f.layer ?? "") === (l.layer ?? "");

function mark(f: SecretFinding, l: LeakFinding): SecretFinding {
  return {
    ...f,
    severity: "CRITICAL",
    title: `${l.title}; ${f.title}`,
    vaultLeak: { path: l.vaultPath, field: l.field, version: l.version, remediation: l.remediation },
  };
}

function added(l: LeakFinding, s: ScannedSecret | undefined): SecretFinding {
  return {
    kind: "secret",
    id: l.id,
    severity: "CRITICAL",
    title: l.title,
    file: l.file,
    line: l.line,
    ...(l.layer ? { layer: l.layer } : {}),
    match: "[managed by the vault]",
    fingerprint: `vault:${l.vaultPath}:${l.file}:${l.line}:${s?.ruleId ?? ""}`,
    vaultLeak: { path: l.vaultPath, field: l.field, version: l.version, remediation: l.remediation },
  };
}

/** The report with the leaks marked (a new object; the input is not changed) and how many there are. */
export function applyVaultLeaks(
  report: Report,
  found: ScannedSecret[],
  leaks: LeakFinding[],
): { report: Report; leaked: number } {
  const used = new Set<LeakFinding>();
  const findings: Finding[] = report.findings.map((f) => {
    if (f.kind !== "secret") return f;
    const l = leaks.find((x) => !used.has(x) && sameSpot(f, x));
    if (!l) return f;
    used.add(l);
    return mark(f, l);
  });
  for (const l of leaks)
    if (!used.has(l))
      findings.push(
        added(
          l,
          found.find((s) => s.file === l.file && s.line === l.line),
        ),
      );
  const isLeak = (f: Finding): boolean => f.kind === "secret" && f.vaultLeak !== undefined;
  const ordered = [...findings.filter(isLeak), ...findings.filter((f) => !isLeak(f))];
  const bySeverity = Object.fromEntries(Object.keys(report.summary.bySeverity).map((k) => [k, 0])) as Record<
    Severity,
    number
  >;
  for (const f of ordered) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  return {
    report: {
      ...report,
      findings: ordered,
      summary: { ...report.summary, total: ordered.length, bySeverity },
    },
    leaked: leaks.length,
  };
}

/** Finds the target's secrets again (layer results come from the scan's cache) and asks the vault. */
export async function markVaultLeaks(
  report: Report,
  target: { kind: "image" | "tree"; ref: string },
  opts: VaultLeakOptions,
): Promise<{ report: Report; leaked: number }> {
  const found =
    target.kind === "image" ? await imageSecrets(target.ref, opts.cacheDir) : await treeSecrets(target.ref);
  if (found.length === 0) return { report, leaked: 0 };
  const res = await vaultCall(opts, "POST", "sys/bulwark/leaks", {
    hashes: [...new Set(found.map((f) => f.secretHash))],
  });
  const matches = (res["data"] as { matches: LeakMatch[] }).matches;
  return applyVaultLeaks(report, found, leakFindings(found, matches));
}
