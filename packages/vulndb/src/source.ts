/**
 * Where feeds come from. A source is the root of a mirror laid out like
 * ../shared/vulndb: `osv/<Ecosystem>/all.zip` and `kev/known_exploited_vulnerabilities.json`,
 * either a directory or an HTTP(S) URL. Without one, the public OSV bucket and the
 * public CISA KEV feed are used.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BulwarkError, readBoundedFileIfExists, requireRegularFile } from "@bulwark/model";
import { downloadToBuffer, downloadToFile, type FetchOptions } from "./fetch.js";

export const PUBLIC_OSV_BUCKET = "https://osv-vulnerabilities.storage.googleapis.com";
export const PUBLIC_KEV_URL =
  "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";

/** Ecosystems fetched from the public bucket (or a mirror without a listing) when none are named. */
export const DEFAULT_ECOSYSTEMS = [
  "Debian",
  "Ubuntu",
  "Alpine",
  "Red Hat",
  "Rocky Linux",
  "AlmaLinux",
  "Wolfi",
  "Chainguard",
  "npm",
  "PyPI",
  "Go",
  "Maven",
  "crates.io",
  "RubyGems",
  "Packagist",
  "NuGet",
];

const KEV_PATH = "kev/known_exploited_vulnerabilities.json";

export type FeedSource = { kind: "dir"; root: string } | { kind: "http"; root: string } | { kind: "public" };

/** `--source` / $BULWARK_DB_SOURCE → a source; nothing → the public feeds. */
export function parseSource(spec: string | undefined): FeedSource {
  if (!spec) return { kind: "public" };
  if (/^https?:\/\//i.test(spec)) return { kind: "http", root: spec.replace(/\/+$/, "") };
  const root = spec.startsWith("file://") ? fileURLToPath(spec) : resolve(spec);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new BulwarkError("DB_SOURCE", `source ${spec} is neither an http(s) URL nor an existing directory`);
  return { kind: "dir", root };
}

export function describeSource(source: FeedSource): string {
  return source.kind === "public" ? `${PUBLIC_OSV_BUCKET} + ${PUBLIC_KEV_URL}` : source.root;
}

function checkEcosystemName(name: string): string {
  if (!name || name.includes("/") || name.includes("\\") || name === "." || name === "..")
    throw new BulwarkError("USAGE", `invalid ecosystem name ${JSON.stringify(name)}`);
  return name;
}

export interface EcosystemPlan {
  ecosystems: string[];
  /** True when the list was guessed: an ecosystem the source lacks is skipped, not an error. */
  optional: boolean;
}

/** The ecosystems to import: those requested, else those the source has. */
export async function planEcosystems(
  source: FeedSource,
  requested?: string[],
  fetchOpts: FetchOptions = {},
): Promise<EcosystemPlan> {
  if (requested && requested.length > 0)
    return { ecosystems: requested.map(checkEcosystemName), optional: false };
  if (source.kind === "public") return { ecosystems: DEFAULT_ECOSYSTEMS, optional: false };
  if (source.kind === "dir") {
    const osv = join(source.root, "osv");
    const found = existsSync(osv)
      ? readdirSync(osv, { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(osv, d.name, "all.zip")))
          .map((d) => d.name)
          .sort()
      : [];
    if (found.length === 0)
      throw new BulwarkError("DB_SOURCE", `no OSV data in ${source.root} (expected osv/<Ecosystem>/all.zip)`);
    return { ecosystems: found, optional: false };
  }
  // An HTTP mirror may publish a listing like the public bucket's ecosystems.txt.
  const listing = await downloadToBuffer(`${source.root}/osv/ecosystems.txt`, fetchOpts);
  if (listing) {
    const names = listing
      .toString("utf8")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (names.length > 0) return { ecosystems: names.map(checkEcosystemName), optional: true };
  }
  return { ecosystems: DEFAULT_ECOSYSTEMS, optional: true };
}

export function osvLocation(source: FeedSource, ecosystem: string): string {
  const eco = encodeURIComponent(ecosystem);
  if (source.kind === "public") return `${PUBLIC_OSV_BUCKET}/${eco}/all.zip`;
  if (source.kind === "http") return `${source.root}/osv/${eco}/all.zip`;
  return join(source.root, "osv", ecosystem, "all.zip");
}

export function kevLocation(source: FeedSource): string {
  if (source.kind === "public") return PUBLIC_KEV_URL;
  if (source.kind === "http") return `${source.root}/${KEV_PATH}`;
  return join(source.root, KEV_PATH);
}

/**
 * Makes an ecosystem's all.zip available as a local file: the file itself for a
 * directory source, else a download into `tempFile`. Undefined when the source lacks it.
 */
export async function obtainOsvZip(
  source: FeedSource,
  ecosystem: string,
  tempFile: string,
  fetchOpts: FetchOptions = {},
): Promise<string | undefined> {
  const location = osvLocation(source, ecosystem);
  if (source.kind === "dir") {
    if (!existsSync(location)) return undefined;
    requireRegularFile(location, "OSV feed", "FEED_ZIP_BYTES");
    return location;
  }
  return (await downloadToFile(location, tempFile, fetchOpts)) ? tempFile : undefined;
}

/** The KEV catalogue's bytes, or undefined when a mirror has none. */
export async function obtainKev(
  source: FeedSource,
  fetchOpts: FetchOptions = {},
): Promise<Buffer | undefined> {
  const location = kevLocation(source);
  if (source.kind !== "dir") return downloadToBuffer(location, fetchOpts);
  return readBoundedFileIfExists(location, "KEV catalogue", "KEV_BYTES");
}
