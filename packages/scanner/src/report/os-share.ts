/**
 * The split the funnel needs per image: how many vulnerability findings are in OS
 * packages (deb/apk/rpm) versus language packages, and how many of each have a fix.
 */
import type { VulnerabilityFinding } from "@bulwark/model";

export interface ShareCounts {
  total: number;
  fixable: number;
}

export function isOsFinding(f: VulnerabilityFinding): boolean {
  return /^pkg:(deb|apk|rpm)\//.test(f.package.purl);
}

export function osLanguageShare(findings: VulnerabilityFinding[]): {
  os: ShareCounts;
  language: ShareCounts;
} {
  const count = (list: VulnerabilityFinding[]) => ({
    total: list.length,
    fixable: list.filter((f) => f.fixedVersion !== null).length,
  });
  return {
    os: count(findings.filter(isOsFinding)),
    language: count(findings.filter((f) => !isOsFinding(f))),
  };
}

function percent(part: number, whole: number): string {
  return whole ? `${Math.round((100 * part) / whole)}%` : "0%";
}

/** "OS packages: 8 (80%), 8 with a fix; language packages: 2 (20%), 1 with a fix". */
export function shareLine(findings: VulnerabilityFinding[]): string {
  const { os, language } = osLanguageShare(findings);
  const all = os.total + language.total;
  return (
    `OS packages: ${os.total} (${percent(os.total, all)}), ${os.fixable} with a fix; ` +
    `language packages: ${language.total} (${percent(language.total, all)}), ${language.fixable} with a fix`
  );
}
