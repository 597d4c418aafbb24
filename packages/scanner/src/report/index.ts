import { type Report, escapeTerminal } from "@bulwark/model";
import { cycloneDxChunks } from "./cyclonedx.js";
import type { ReportFormat } from "./formats.js";
import { jsonChunks } from "./json-stream.js";
import { sarifLog } from "./sarif.js";
import { tableChunks } from "./table.js";

export { REPORT_FORMATS, parseReportFormat, type ReportFormat } from "./formats.js";

/**
 * A scan report as pieces of text, to write one after another: no format is ever built as one
 * string (a million findings is past V8's string limit). The JSON report is the Report itself:
 * one schema for the library and the CLI.
 */
export function renderReportChunks(report: Report, format: ReportFormat): Iterable<string> {
  switch (format) {
    case "json":
      return jsonChunks(report);
    case "table":
      return tableChunks(report, escapeTerminal);
    case "sarif":
      return jsonChunks(sarifLog(report));
    case "cyclonedx-json":
      return cycloneDxChunks(report);
  }
}
