/**
 * `bulwark db update`: reads every feed of a source into a fresh database and swaps
 * it in. Any failure (network, corrupt archive, disk) throws before the swap, so the
 * database in use stays exactly as it was.
 */
import { mkdirSync, rmSync } from "node:fs";
import { BulwarkError, errorMessage } from "@bulwark/model";
import { DbBuilder, tempPathIn } from "./builder.js";
import { parseEpssCsv, type EpssParse } from "./epss.js";
import { downloadToFile } from "./fetch.js";
import { parseKev } from "./kev.js";
import { dbDir } from "./schema.js";
import {
  describeSource,
  kevLocation,
  obtainKev,
  obtainOsvZip,
  osvLocation,
  parseSource,
  planEcosystems,
  type FeedSource,
} from "./source.js";
import type { SourceStatus } from "./store.js";
import { validateOsvRecord } from "./validate.js";
import { DEFAULT_ZIP_LIMITS, readZipJsonEntries, type ZipEntryData, type ZipLimits } from "./zip.js";

export interface UpdateOptions {
  cacheDir: string;
  /** A directory or http(s) URL laid out like ../shared/vulndb; default $BULWARK_DB_SOURCE, else the public feeds. */
  source?: string;
  /** OSV ecosystem folder names (e.g. "npm", "PyPI", "Debian"); default: those the source has. */
  ecosystems?: string[];
  /** An EPSS scores CSV (optionally gzipped): a file path or an http(s) URL. */
  epssCsv?: string;
  progress?: (done: number, total: number, label: string) => void;
  /** Fail (and keep the old database) when any record is invalid, instead of skipping it. */
  strict?: boolean;
  limits?: ZipLimits;
  /** Network: give up when a download makes no progress for this long (default 60 s). */
  stallMs?: number;
}

export interface InvalidRecord {
  /** `<Ecosystem>/<entry name>` inside the source's archive. */
  file: string;
  id?: string;
  reason: string;
}

export interface ImportReport {
  records: number;
  /** The first MAX_INVALID_LISTED invalid records; `invalidCount` has them all. */
  invalid: InvalidRecord[];
  invalidCount: number;
  kev: number;
  epss: number;
  path: string;
  seconds: number;
  /** Valid records per ecosystem archive. */
  ecosystems: Record<string, number>;
  /** Records skipped because an earlier archive had the same id. */
  duplicates: number;
  warnings: string[];
}

export const MAX_INVALID_LISTED = 1000;

class ImportState {
  records = 0;
  duplicates = 0;
  invalid: InvalidRecord[] = [];
  invalidCount = 0;
  ecosystems: Record<string, number> = {};
  sources: SourceStatus[] = [];
  warnings: string[] = [];
  temps: string[] = [];

  addInvalid(item: InvalidRecord): void {
    this.invalidCount++;
    if (this.invalid.length < MAX_INVALID_LISTED) this.invalid.push(item);
  }
}

const NOT_JSON = Symbol("not JSON");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Checks one archive entry and stores it, or records why it was left out. */
function importEntry(
  ecosystem: string,
  { name, data }: ZipEntryData,
  builder: DbBuilder,
  state: ImportState,
  counts: { done: number; valid: number; invalid: number },
): void {
  counts.done++;
  const text = data.toString("utf8");
  const parsed = parseJson(text);
  const checked = validateOsvRecord(parsed);
  if (checked.ok) {
    counts.valid++;
    if (!builder.addRecord(ecosystem, text, checked.record)) state.duplicates++;
    return;
  }
  counts.invalid++;
  const reason = parsed === NOT_JSON ? "invalid JSON" : checked.reason;
  state.addInvalid({ file: `${ecosystem}/${name}`, id: checked.id, reason });
}

async function importEcosystem(
  source: FeedSource,
  ecosystem: string,
  optional: boolean,
  builder: DbBuilder,
  state: ImportState,
  opts: UpdateOptions,
): Promise<void> {
  const location = osvLocation(source, ecosystem);
  const temp = tempPathIn(dbDir(opts.cacheDir), "osv.zip");
  state.temps.push(temp);
  const onBytes =
    opts.progress &&
    ((done: number, size: number) => opts.progress?.(done, size, `${ecosystem} (download, bytes)`));
  const file = await obtainOsvZip(source, ecosystem, temp, { onBytes, stallMs: opts.stallMs });
  if (!file) {
    if (optional) return;
    throw new BulwarkError("DB_SOURCE", `ecosystem ${ecosystem} not found: ${location}`);
  }
  const counts = { total: 0, done: 0, valid: 0, invalid: 0 };
  await readZipJsonEntries(
    file,
    location,
    (entry) => {
      importEntry(ecosystem, entry, builder, state, counts);
      opts.progress?.(counts.done, counts.total, ecosystem);
    },
    opts.limits ?? DEFAULT_ZIP_LIMITS,
    (n) => (counts.total = n),
  );
  const { valid, invalid: invalidHere } = counts;
  state.records += valid;
  state.ecosystems[ecosystem] = valid;
  state.sources.push({
    name: `osv/${ecosystem}`,
    url: location,
    records: valid,
    invalid: invalidHere,
    fetchedAt: new Date().toISOString(),
  });
}

async function importKev(
  source: FeedSource,
  builder: DbBuilder,
  state: ImportState,
  stallMs: number | undefined,
): Promise<string | undefined> {
  const location = kevLocation(source);
  const data = await obtainKev(source, { stallMs });
  if (!data) {
    state.warnings.push(`no KEV catalogue at ${location}; KEV flags will be missing`);
    return undefined;
  }
  const kev = parseKev(data, location);
  builder.addKev(kev.entries);
  if (kev.invalid > 0)
    state.warnings.push(`${kev.invalid} KEV entries without a CVE id or date were skipped`);
  state.sources.push({
    name: "kev",
    url: location,
    records: kev.entries.length,
    invalid: kev.invalid,
    fetchedAt: new Date().toISOString(),
  });
  return kev.catalogVersion;
}

function strictCheck(state: ImportState): void {
  const first = state.invalid[0];
  if (!first) return;
  throw new BulwarkError(
    "FEED_INVALID",
    `${state.invalidCount} invalid record(s), first ${first.file}: ${first.reason} (--strict: database not replaced)`,
  );
}

function asBulwarkError(e: unknown): unknown {
  if (e instanceof BulwarkError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code))
    return new BulwarkError("IO", `cannot write the vulnerability database: ${errorMessage(e)}`, undefined, {
      cause: e,
    });
  return e;
}

/** EPSS scores from a local CSV, or from an http(s) URL downloaded into the cache directory. */
async function loadEpss(opts: UpdateOptions): Promise<EpssParse | undefined> {
  const spec = opts.epssCsv;
  if (!spec) return undefined;
  if (!/^https?:\/\//i.test(spec)) return parseEpssCsv(spec);
  let temp: string;
  try {
    mkdirSync(dbDir(opts.cacheDir), { recursive: true });
    temp = tempPathIn(dbDir(opts.cacheDir), "epss.csv");
  } catch (e) {
    throw asBulwarkError(e);
  }
  try {
    if (!(await downloadToFile(spec, temp, { stallMs: opts.stallMs })))
      throw new BulwarkError("DB_SOURCE", `cannot download ${spec}: HTTP 404 Not Found`);
    return parseEpssCsv(temp, spec);
  } finally {
    rmSync(temp, { force: true });
  }
}

export async function updateVulnDb(opts: UpdateOptions): Promise<ImportReport> {
  const started = performance.now();
  const source = parseSource(opts.source ?? process.env.BULWARK_DB_SOURCE);
  // Read the EPSS file first: a bad path fails before the large downloads.
  const epss = await loadEpss(opts);
  const plan = await planEcosystems(source, opts.ecosystems, { stallMs: opts.stallMs });
  let builder: DbBuilder;
  try {
    builder = new DbBuilder(opts.cacheDir);
  } catch (e) {
    throw asBulwarkError(e);
  }
  const state = new ImportState();
  try {
    for (const ecosystem of plan.ecosystems)
      await importEcosystem(source, ecosystem, plan.optional, builder, state, opts);
    if (state.sources.length === 0)
      throw new BulwarkError("DB_SOURCE", `no OSV archives found at ${describeSource(source)}`);
    if (opts.strict) strictCheck(state);
    const kevVersion = await importKev(source, builder, state, opts.stallMs);
    if (epss && opts.epssCsv) {
      builder.addEpss(epss.rows);
      if (epss.invalid > 0) state.warnings.push(`${epss.invalid} EPSS rows were malformed and skipped`);
      state.sources.push({
        name: "epss",
        url: opts.epssCsv,
        records: epss.rows.length,
        invalid: epss.invalid,
        fetchedAt: new Date().toISOString(),
      });
    }
    const kev = builder.count("kev");
    const epssCount = builder.count("epss");
    const path = builder.commit({
      built_at: new Date().toISOString(),
      source: describeSource(source),
      sources: state.sources,
      ecosystems: state.ecosystems,
      kev_count: kev,
      epss_count: epssCount,
      kev_catalog_version: kevVersion ?? null,
      epss_score_date: epss?.scoreDate ?? null,
    });
    const seconds = (performance.now() - started) / 1000;
    const { records, invalid, invalidCount, ecosystems, duplicates, warnings } = state;
    return {
      records,
      invalid,
      invalidCount,
      kev,
      epss: epssCount,
      path,
      seconds,
      ecosystems,
      duplicates,
      warnings,
    };
  } catch (e) {
    builder.abort();
    throw asBulwarkError(e);
  } finally {
    for (const temp of state.temps) rmSync(temp, { force: true });
  }
}
