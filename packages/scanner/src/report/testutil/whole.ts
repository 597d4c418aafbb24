/**
 * Whole-document writers, for tests only: the reference the streamed writers are compared
 * with byte for byte, and a convenience for tests that parse a small report. Production code
 * writes pieces (renderReportChunks, renderSbomChunks).
 */
import * as Serialize from "@cyclonedx/cyclonedx-library/Serialize";
import * as Spec from "@cyclonedx/cyclonedx-library/Spec";
import type { Inventory } from "../../../../model/src/package.js";
import type { Report } from "../../../../model/src/finding.js";
import { escapeStrings } from "../../../../model/src/text/terminal.js";
import { cycloneDxBom } from "../cyclonedx.js";
import { renderReportChunks, type ReportFormat } from "../index.js";
import { sarifLog } from "../sarif.js";
import { cycloneDxSbomBom } from "../sbom/cyclonedx.js";
import { renderSbomChunks, type RenderOptions, type SbomFormat } from "../sbom/index.js";
import { imageName, locationLayer, sortedPackages } from "../sbom/common.js";
import { spdxDocument } from "../sbom/spdx.js";

/** The streamed report joined: for tests that read a small report whole. */
export function renderReport(report: Report, format: ReportFormat): string {
  return [...renderReportChunks(report, format)].join("");
}

/** The streamed SBOM joined. */
export function renderSbom(inv: Inventory, format: SbomFormat, opts: RenderOptions = {}): string {
  return [...renderSbomChunks(inv, format, opts)].join("");
}

const cdxSerializer = () =>
  new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));

/** Each format as one string the way it was written before streaming: the library's serializer, JSON.stringify. */
export function wholeReport(report: Report, format: Exclude<ReportFormat, "table">): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "sarif":
      return `${JSON.stringify(sarifLog(report), null, 2)}\n`;
    case "cyclonedx-json":
      return `${cdxSerializer().serialize(cycloneDxBom(report), { sortLists: true, space: 2 })}\n`;
  }
}

export function wholeSbom(inv: Inventory, format: SbomFormat, opts: RenderOptions): string {
  switch (format) {
    case "cyclonedx-json":
      return `${cdxSerializer().serialize(cycloneDxSbomBom(inv, opts), { sortLists: false, space: 2 })}\n`;
    case "spdx-json":
      return `${JSON.stringify(spdxDocument(inv, opts), null, 2)}\n`;
    case "json":
      return `${JSON.stringify(inv, null, 2)}\n`;
    case "table":
      return wholeSbomTable(escapeStrings(inv));
  }
}

/** The SBOM table as it was built before streaming: every cell held, one string. */
function wholeSbomTable(inv: Inventory): string {
  const short = (d: string | undefined) => (d ? d.replace(/^sha256:/, "").slice(0, 12) : "");
  const head = [`${imageName(inv)}${inv.image?.digest ? ` (${inv.image.digest})` : ""}`];
  if (inv.os) head.push(`OS: ${inv.os.prettyName ?? `${inv.os.family} ${inv.os.version}`}`);
  const rows = [["NAME", "VERSION", "TYPE", "LAYER", "LOCATION"]];
  const layerIndex = new Map<string, number>();
  inv.layers.forEach((l, i) => {
    if (l.digest) layerIndex.set(l.digest, i);
    if (l.diffId) layerIndex.set(l.diffId, i);
  });
  for (const pkg of sortedPackages(inv)) {
    const loc = pkg.locations[0];
    const layer = loc ? locationLayer(loc) : undefined;
    const idx = layer !== undefined ? layerIndex.get(layer) : undefined;
    const more = pkg.locations.length > 1 ? ` (+${pkg.locations.length - 1})` : "";
    rows.push([
      pkg.name,
      pkg.version,
      pkg.type,
      idx !== undefined ? `#${idx + 1} ${short(layer)}` : short(layer),
      `${loc?.path ?? ""}${more}`,
    ]);
  }
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const table = rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
  const counts = new Map<string, number>();
  for (const p of inv.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const summary = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t}: ${n}`);
  const foot = `${inv.packages.length} packages${summary.length ? ` (${summary.join(", ")})` : ""}`;
  const issues = inv.issues.length
    ? `\n${inv.issues.length} files could not be parsed (see --format json)`
    : "";
  return `${head.join("\n")}\n\n${table}\n\n${foot}${issues}\n`;
}
