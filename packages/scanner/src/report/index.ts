import { type Report, escapeTerminal } from "@bulwark/model";
import { renderCycloneDx } from "./cyclonedx.js";
import type { ReportFormat } from "./formats.js";
import { renderJson } from "./json.js";
import { jsonChunks } from "./json-stream.js";
import { renderSarif, sarifLog } from "./sarif.js";
import { renderTable, tableChunks } from "./table.js";

export { REPORT_FORMATS, parseReportFormat, type ReportFormat } from "./formats.js";

/**
 * The report as pieces of text, for writing without holding it whole: JSON, SARIF and the
 * table are streamed (a million findings is over V8's string limit); CycloneDX is one piece.
 */
export function renderReportChunks(report: Report, format: ReportFormat): Iterable<string> {
  if (format === "json") return jsonChunks(report);
  if (format === "table") return tableChunks(report, escapeTerminal);
  if (format === "sarif") return jsonChunks(sarifLog(report));
  return [renderReport(report, format)];
}

/** Renders a scan report in one of the output formats. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case "table":
      return renderTable(report, escapeTerminal);
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
    case "cyclonedx-json":
      return renderCycloneDx(report);
  }
}
