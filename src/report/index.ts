import { BulwarkError } from "../errors.js";
import type { Report } from "../findings/types.js";
import { renderCycloneDx } from "./cyclonedx.js";
import { renderJson } from "./json.js";
import { renderSarif } from "./sarif.js";
import { renderTable } from "./table.js";

export const REPORT_FORMATS = ["table", "json", "sarif", "cyclonedx-json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseReportFormat(s: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(s)) return s as ReportFormat;
  throw new BulwarkError("USAGE", `unknown --format "${s}" (expected ${REPORT_FORMATS.join(", ")})`);
}

/** Renders a scan report in one of the output formats. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case "table":
      return renderTable(report);
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
    case "cyclonedx-json":
      return renderCycloneDx(report);
  }
}
