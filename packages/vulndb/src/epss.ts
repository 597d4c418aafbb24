/**
 * EPSS scores from FIRST's daily CSV (`epss_scores-YYYY-MM-DD.csv[.gz]`): an optional
 * `#model_version:…,score_date:…` comment line, a `cve,epss,percentile` header, one row per CVE.
 */
import { gunzipSync } from "node:zlib";
import { BulwarkError, errorMessage, readBoundedFileSync } from "@bulwark/model";

export interface EpssRow {
  cve: string;
  score: number;
  percentile?: number;
}

export interface EpssParse {
  rows: EpssRow[];
  invalid: number;
  scoreDate?: string;
}

function readMaybeGzip(file: string, label: string): string {
  let data: Buffer;
  try {
    data = readBoundedFileSync(file, "EPSS file", "EPSS_BYTES");
  } catch (e) {
    throw new BulwarkError("DB_SOURCE", `cannot read EPSS file ${file}: ${errorMessage(e)}`, undefined, {
      cause: e,
    });
  }
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch (e) {
      throw new BulwarkError("FEED_INVALID", `${label}: corrupt gzip data`, undefined, { cause: e });
    }
  }
  return data.toString("utf8");
}

/** Parses the CSV at `file`; `label` (default the path) names it in errors, e.g. its URL. */
export function parseEpssCsv(file: string, label = file): EpssParse {
  const lines = readMaybeGzip(file, label).split(/\r?\n/);
  let scoreDate: string | undefined;
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith("#")) {
    scoreDate ??= /score_date:([^,\s]+)/.exec(lines[i]!)?.[1];
    i++;
  }
  const header = (lines[i++] ?? "").split(",").map((h) => h.trim().toLowerCase());
  const cveCol = header.indexOf("cve");
  const scoreCol = header.indexOf("epss");
  const pctCol = header.indexOf("percentile");
  if (cveCol < 0 || scoreCol < 0)
    throw new BulwarkError(
      "FEED_INVALID",
      `${label}: not an EPSS CSV (expected a "cve,epss,percentile" header)`,
    );
  const rows: EpssRow[] = [];
  let invalid = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cells = line.split(",");
    const cve = cells[cveCol]?.trim() ?? "";
    const score = Number(cells[scoreCol]);
    const percentile = pctCol >= 0 ? Number(cells[pctCol]) : NaN;
    if (!/^CVE-\d{4}-\d{4,}$/.test(cve) || !Number.isFinite(score) || score < 0 || score > 1) {
      invalid++;
      continue;
    }
    rows.push({ cve, score, percentile: Number.isFinite(percentile) ? percentile : undefined });
  }
  return { rows, invalid, scoreDate };
}
