import type { Report } from "../findings/types.js";
import { renderCycloneDx } from "./cyclonedx.js";
import type { ReportFormat } from "./formats.js";
import { renderJson } from "./json.js";
import { renderSarif } from "./sarif.js";
import { renderTable } from "./table.js";
import { escapeStrings } from "../text/terminal.js";

export { REPORT_FORMATS, parseReportFormat, type ReportFormat } from "./formats.js";

/** Renders a scan report in one of the output formats. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case "table":
      return renderTable(escapeStrings(report));
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
    case "cyclonedx-json":
      return renderCycloneDx(report);
  }
}
