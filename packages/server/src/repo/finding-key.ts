import { createHash } from "node:crypto";
import type { Finding } from "../deps.js";

export const SEVERITY_RANK: Record<string, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

/** Scanner names in a report's summary → the finding kinds that scan vouches for. */
export const SCANNER_KINDS: Record<string, Finding["kind"]> = {
  vuln: "vulnerability",
  misconfig: "misconfiguration",
  secret: "secret",
  malware: "malware",
};

/**
 * A finding's identity across scans of one asset: the same problem in the same place. The
 * version is part of a vulnerability's identity, so an upgrade that still carries the
 * vulnerability is a new finding and the old one is fixed — what a history should show.
 */
export function findingKey(asset: string, f: Finding): string {
  const parts: string[] = [asset, f.kind, f.id];
  if (f.kind === "vulnerability")
    parts.push(f.package.purl || f.package.name, f.package.version, f.location.path);
  else if (f.kind === "secret") parts.push(f.fingerprint);
  else if (f.kind === "malware") parts.push(f.file, f.sha256);
  else
    parts.push(
      f.file,
      f.resource ? `${f.resource.kind}/${f.resource.namespace ?? ""}/${f.resource.name}` : String(f.line),
    );
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 40);
}

export interface FindingColumns {
  kind: string;
  rule_id: string;
  severity: string;
  severity_rank: number;
  package_name: string | null;
  package_version: string | null;
  fixed_version: string | null;
  kev: number;
  epss: number | null;
  cvss: number | null;
}

export function findingColumns(f: Finding): FindingColumns {
  const vuln = f.kind === "vulnerability" ? f : undefined;
  const cvss = vuln?.cvss?.length ? Math.max(...vuln.cvss.map((c) => c.score)) : null;
  return {
    kind: f.kind,
    rule_id: f.id,
    severity: f.severity,
    severity_rank: SEVERITY_RANK[f.severity] ?? 0,
    package_name: vuln?.package.name ?? null,
    package_version: vuln?.package.version ?? null,
    fixed_version: vuln?.fixedVersion ?? null,
    kev: vuln?.kev ? 1 : 0,
    epss: vuln?.epss ?? null,
    cvss,
  };
}
