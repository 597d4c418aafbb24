/**
 * The split the funnel needs per image: how many vulnerability findings are in OS
 * packages (deb/apk/rpm) versus language packages, and how many of each have a fix.
 * Lives in match/ so the vuln scanner can put it in the JSON summary; the table reuses it.
 */
import type { Finding, VulnerabilityFinding } from "@bulwark/model";

export interface ShareCounts {
  findings: number;
  fixable: number;
}

export interface OsLanguageShare {
  os: ShareCounts;
  language: ShareCounts;
}

export function isOsFinding(f: VulnerabilityFinding): boolean {
  return /^pkg:(deb|apk|rpm)\//.test(f.package.purl);
}

export function osLanguageShare(findings: readonly Finding[]): OsLanguageShare {
  const vulns = findings.filter((f): f is VulnerabilityFinding => f.kind === "vulnerability");
  const count = (list: VulnerabilityFinding[]): ShareCounts => ({
    findings: list.length,
    fixable: list.filter((f) => f.fixedVersion !== null).length,
  });
  return {
    os: count(vulns.filter(isOsFinding)),
    language: count(vulns.filter((f) => !isOsFinding(f))),
  };
}
