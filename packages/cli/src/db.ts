/** `bulwark db update` and `bulwark db status`: flags in, library calls out. */
import type { Command } from "commander";
import { cacheDir } from "@bulwark/scanner";
import { BulwarkError } from "@bulwark/model";
import {
  dbAgeWarning,
  openVulnDb,
  updateVulnDb,
  type ImportReport,
  type VulnDbStatus,
} from "@bulwark/vulndb";
import { globalOptions, log, type GlobalOptions } from "@bulwark/command";

const INVALID_SHOWN = 10;

interface Progress {
  update: (done: number, total: number, label: string) => void;
  /** Ends the counter line so later output starts on a fresh line. */
  end: () => void;
}

/** A counter line rewritten in place (one line per feed); only on a terminal, so logs stay clean. */
function progressLine(opts: GlobalOptions): Progress | undefined {
  if (opts.quiet || !process.stderr.isTTY) return undefined;
  let last = 0;
  let current: string | undefined;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (label === current && now - last < 100 && done !== total) return;
      if (current !== undefined && label !== current) process.stderr.write("\n");
      current = label;
      last = now;
      process.stderr.write(`\r\x1b[K${label}: ${done}/${total || "?"}`);
    },
    end() {
      if (current !== undefined) process.stderr.write("\n");
      current = undefined;
    },
  };
}

function summary(r: ImportReport): string {
  const ecos = Object.entries(r.ecosystems)
    .map(([eco, n]) => `${eco} ${n}`)
    .join(", ");
  const invalid = r.invalidCount > 0 ? `; ${r.invalidCount} invalid skipped` : "";
  return `imported ${r.records} advisories (${ecos}), ${r.kev} KEV, ${r.epss} EPSS in ${r.seconds.toFixed(1)} s${invalid} → ${r.path}`;
}

function reportProblems(opts: GlobalOptions, r: ImportReport): void {
  for (const item of r.invalid.slice(0, INVALID_SHOWN))
    log(opts, `invalid record ${item.file}: ${item.reason}`);
  if (r.invalidCount > INVALID_SHOWN)
    log(opts, `… and ${r.invalidCount - INVALID_SHOWN} more invalid records`);
  for (const w of r.warnings) log(opts, `warning: ${w}`);
}

function statusTable(s: VulnDbStatus): string {
  const rows = s.sources.map((src) => [
    src.name,
    String(src.records),
    String(src.invalid),
    src.fetchedAt,
    src.url,
  ]);
  const header = ["SOURCE", "RECORDS", "INVALID", "FETCHED", "URL"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [
    `Database:  ${s.path}`,
    `Built:     ${s.builtAt} (${s.ageDays} days ago)`,
    `KEV:       ${s.kevCount}`,
    `EPSS:      ${s.epssCount}`,
    "",
    line(header),
    ...rows.map(line),
  ].join("\n");
}

interface RematchFlags {
  policy?: string[];
  dataDir?: string;
  database?: string;
}

/**
 * Approved images were judged against the old advisories: match every stored inventory again
 * (nothing pulled or scanned) and report the verdicts that changed, e.g. an approved image
 * that a newly published KEV entry now denies.
 */
async function rematchCatalog(opts: GlobalOptions, flags: RematchFlags): Promise<void> {
  const { rematchAfterDbUpdate } = await import("@bulwark/policy");
  const r = await rematchAfterDbUpdate({
    cacheDir: cacheDir(opts.cacheDir),
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.database ? { database: flags.database } : {}),
    ...(flags.policy ? { policy: flags.policy } : {}),
    log: (l) => log(opts, l),
  });
  if (!r) return;
  for (const c of r.changes)
    process.stdout.write(
      `${c.image}: ${c.before} -> ${c.after}${c.reasons.length ? ` (${c.reasons.join("; ")})` : ""}\n`,
    );
  process.stdout.write(
    `catalog: ${r.rematched} of ${r.inventories} inventories re-matched, ${r.images} images judged, ${r.changes.length} verdicts changed\n`,
  );
}

export function registerDb(program: Command): void {
  const db = program.command("db").description("manage the local vulnerability database");
  db.command("update")
    .description("download OSV advisories and the CISA KEV catalogue into a new database and swap it in")
    .option(
      "--source <url|dir>",
      "mirror root with osv/<Ecosystem>/all.zip and kev/ (default: $BULWARK_DB_SOURCE, else the public feeds)",
    )
    .option(
      "--ecosystems <list>",
      "comma-separated OSV ecosystems, e.g. npm,PyPI,Go (default: all the source has)",
    )
    .option("--epss <file|url>", "EPSS scores CSV (FIRST's epss_scores-*.csv, optionally gzipped)")
    .option("--strict", "fail and keep the old database if any record is invalid")
    .option(
      "--policy <file...>",
      "re-judge the approved-image catalog with these ImagePolicy files (default: the ones that judged it last)",
    )
    .option("--data-dir <dir>", "Bulwark's data directory holding the catalog (default $BULWARK_DATA_DIR)")
    .option("--database <url>", "PostgreSQL URL of the catalog instead of the SQLite store")
    .action(
      async (
        flags: {
          source?: string;
          ecosystems?: string;
          epss?: string;
          strict?: boolean;
        } & RematchFlags,
        cmd: Command,
      ) => {
        const opts = globalOptions(cmd);
        const ecosystems = flags.ecosystems
          ?.split(",")
          .map((e) => e.trim())
          .filter(Boolean);
        const progress = progressLine(opts);
        let report: ImportReport;
        try {
          report = await updateVulnDb({
            cacheDir: cacheDir(opts.cacheDir),
            source: flags.source,
            ecosystems,
            epssCsv: flags.epss,
            strict: flags.strict,
            progress: progress?.update,
          });
        } finally {
          progress?.end();
        }
        reportProblems(opts, report);
        process.stdout.write(`${summary(report)}\n`);
        await rematchCatalog(opts, flags);
      },
    );
  db.command("status")
    .description("show the database's sources, counts and age")
    .option("--format <format>", "table or json", "table")
    .action((flags: { format: string }, cmd: Command) => {
      if (flags.format !== "table" && flags.format !== "json")
        throw new BulwarkError("USAGE", `unknown format ${flags.format} (expected table or json)`);
      const opts = globalOptions(cmd);
      const handle = openVulnDb(cacheDir(opts.cacheDir));
      try {
        const status = handle.status();
        const out = flags.format === "json" ? JSON.stringify(status, null, 2) : statusTable(status);
        process.stdout.write(`${out}\n`);
        const warning = dbAgeWarning(status);
        if (warning) log(opts, `warning: ${warning}`);
      } finally {
        handle.close();
      }
    });
}
