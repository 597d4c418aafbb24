import type { Report } from "@bulwark/model";

/** The JSON report is the Report itself: one schema for the library and the CLI. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
