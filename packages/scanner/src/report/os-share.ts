/** The table's line for the OS vs language split (counts from match/share.ts). */
import type { VulnerabilityFinding } from "@bulwark/model";
import { osLanguageShare } from "../match/share.js";

export { isOsFinding, osLanguageShare, type ShareCounts } from "../match/share.js";

function percent(part: number, whole: number): string {
  return whole ? `${Math.round((100 * part) / whole)}%` : "0%";
}

/** "OS packages: 8 (80%), 8 with a fix; language packages: 2 (20%), 1 with a fix". */
export function shareLine(findings: VulnerabilityFinding[]): string {
  const { os, language } = osLanguageShare(findings);
  const all = os.findings + language.findings;
  return (
    `OS packages: ${os.findings} (${percent(os.findings, all)}), ${os.fixable} with a fix; ` +
    `language packages: ${language.findings} (${percent(language.findings, all)}), ${language.fixable} with a fix`
  );
}
