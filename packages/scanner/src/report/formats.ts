import { BulwarkError } from "@bulwark/model";

/** Kept apart from the writers so the CLI can validate --format without loading them. */
export const REPORT_FORMATS = ["table", "json", "sarif", "cyclonedx-json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseReportFormat(s: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(s)) return s as ReportFormat;
  throw new BulwarkError("USAGE", `unknown --format "${s}" (expected ${REPORT_FORMATS.join(", ")})`);
}
