import type { Inventory, Package } from "@bulwark/model";
import { imageName, locationLayer, sortedPackages } from "./common.js";

function shortDigest(d: string | undefined): string {
  return d ? d.replace(/^sha256:/, "").slice(0, 12) : "";
}

const HEADINGS = ["NAME", "VERSION", "TYPE", "LAYER", "LOCATION"];

/** One row's cells: name, version, type, the layer that added it, its first location. */
function rowOf(pkg: Package, layerIndex: Map<string, number>): string[] {
  const loc = pkg.locations[0];
  const layer = loc ? locationLayer(loc) : undefined;
  const idx = layer !== undefined ? layerIndex.get(layer) : undefined;
  const more = pkg.locations.length > 1 ? ` (+${pkg.locations.length - 1})` : "";
  return [
    pkg.name,
    pkg.version,
    pkg.type,
    idx !== undefined ? `#${idx + 1} ${shortDigest(layer)}` : shortDigest(layer),
    `${loc?.path ?? ""}${more}`,
  ];
}

/** A row padded to the column widths; the last column is not padded. */
function formatRow(row: string[], widths: readonly number[]): string {
  return row
    .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
    .join("  ")
    .trimEnd();
}

/**
 * A terminal table in pieces: one row per package with its first location and the layer that
 * added it. Rows are built twice (once for the column widths, once to write) rather than held,
 * so a quarter-million packages never become one string or a table of cells.
 */
export function* sbomTableChunks(inv: Inventory): Generator<string> {
  const head = [`${imageName(inv)}${inv.image?.digest ? ` (${inv.image.digest})` : ""}`];
  if (inv.os) head.push(`OS: ${inv.os.prettyName ?? `${inv.os.family} ${inv.os.version}`}`);
  const layerIndex = new Map<string, number>();
  inv.layers.forEach((l, i) => {
    if (l.digest) layerIndex.set(l.digest, i);
    if (l.diffId) layerIndex.set(l.diffId, i);
  });
  const packages = sortedPackages(inv);
  const widths = HEADINGS.map((h) => h.length);
  for (const pkg of packages)
    rowOf(pkg, layerIndex).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  yield `${head.join("\n")}\n\n${formatRow(HEADINGS, widths)}`;
  for (const pkg of packages) yield `\n${formatRow(rowOf(pkg, layerIndex), widths)}`;
  const counts = new Map<string, number>();
  for (const p of inv.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const summary = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t}: ${n}`);
  const foot = `${inv.packages.length} packages${summary.length ? ` (${summary.join(", ")})` : ""}`;
  const issues = inv.issues.length
    ? `\n${inv.issues.length} files could not be parsed (see --format json)`
    : "";
  yield `\n\n${foot}${issues}\n`;
}
