import type { Inventory } from "@bulwark/model";
import { imageName, locationLayer, sortedPackages } from "./common.js";

function shortDigest(d: string | undefined): string {
  return d ? d.replace(/^sha256:/, "").slice(0, 12) : "";
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A terminal table: one row per package with its first location and the layer that added it. */
export function renderSbomTable(inv: Inventory): string {
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
      idx !== undefined ? `#${idx + 1} ${shortDigest(layer)}` : shortDigest(layer),
      `${loc?.path ?? ""}${more}`,
    ]);
  }
  const counts = new Map<string, number>();
  for (const p of inv.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const summary = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t}: ${n}`);
  const foot = `${inv.packages.length} packages${summary.length ? ` (${summary.join(", ")})` : ""}`;
  const issues = inv.issues.length
    ? `\n${inv.issues.length} files could not be parsed (see --format json)`
    : "";
  return `${head.join("\n")}\n\n${formatColumns(rows)}\n\n${foot}${issues}\n`;
}
