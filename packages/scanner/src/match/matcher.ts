import {
  type Severity,
  type VulnerabilityFinding,
  severityRank,
  type Inventory,
  type Package,
} from "@bulwark/model";
import { isOsPackage } from "../inventory/purl.js";
import { comparatorForEcosystem, type Comparator, type OsvRecord } from "@bulwark/vulndb";
import { goStdlibQuery, osvQueryFor, sameOsvPackage, type OsvQuery } from "./ecosystems.js";
import { groupByAlias, isCve, preferredId, type Hit, type HitGroup } from "./merge.js";
import { evaluateAffected } from "./ranges.js";
import { severityFromCves, type CveLookup } from "./cve-severity.js";
import { cvssScores, recordSeverity, type CvssScore } from "./severity.js";
import { matchStatus } from "./status.js";

/** The part of the vulnerability database the matcher reads (VulnDb satisfies it). */
export interface AdvisorySource extends CveLookup {
  advisories(ecosystem: string, name: string): OsvRecord[];
  kev?(cve: string): unknown;
  epss?(cve: string): unknown;
}

export interface MatchOptions {
  comparatorFor?: (ecosystem: string) => Comparator | undefined;
}

export interface MatchResult {
  findings: VulnerabilityFinding[];
  warnings: string[];
  stats: {
    packages: number;
    queries: number;
    invalidVersions: number;
    /** Packages looked up per OSV ecosystem ("Debian:12": 114). */
    byEcosystem: Record<string, number>;
  };
}

/** One package (or a binary's Go standard library) to look up. */
interface Subject {
  query: OsvQuery;
  /** The installed package as the user knows it (binary name and version for OS packages). */
  installed: { name: string; version: string; purl: string; source?: { name: string; version: string } };
  location: VulnerabilityFinding["location"];
}

function locationOf(pkg: Package): VulnerabilityFinding["location"] {
  const loc = pkg.locations[0];
  const layer = loc?.layerDigest ?? loc?.layerDiffId;
  return { path: loc?.path ?? "", ...(layer ? { layer } : {}) };
}

/**
 * Packages to query. Each Go binary also yields its standard library ("stdlib" at
 * the toolchain version it was built with), once per binary path.
 */
export function subjectsOf(inventory: Pick<Inventory, "packages" | "os">): Subject[] {
  const subjects: Subject[] = [];
  const stdlibSeen = new Set<string>();
  for (const pkg of inventory.packages) {
    const query = osvQueryFor(pkg, inventory.os);
    const location = locationOf(pkg);
    if (query) {
      const installed: Subject["installed"] = { name: pkg.name, version: pkg.version, purl: pkg.purl };
      // OS advisories name the source package: say which one matched the binary package.
      if (isOsPackage(pkg)) installed.source = { name: query.name, version: query.version };
      subjects.push({ query, installed, location });
      if (query.name === "stdlib" && query.ecosystem === "Go")
        stdlibSeen.add(`${location.path}@${query.version}`);
    }
  }
  for (const pkg of inventory.packages) {
    const query = goStdlibQuery(pkg);
    const location = locationOf(pkg);
    const key = `${location.path}@${query?.version}`;
    if (!query || stdlibSeen.has(key)) continue;
    stdlibSeen.add(key);
    const installed = { name: "stdlib", version: query.version, purl: `pkg:golang/stdlib@${query.version}` };
    subjects.push({ query, installed, location });
  }
  return subjects;
}

function kevFlag(db: AdvisorySource, ids: string[]): boolean {
  return ids.some((id) => isCve(id) && Boolean(db.kev?.(id)));
}

/** EPSS as D2a returns it: a number or an object with a score. */
function epssOf(db: AdvisorySource, ids: string[]): number | undefined {
  let best: number | undefined;
  for (const id of ids.filter(isCve)) {
    const raw = db.epss?.(id);
    const value =
      typeof raw === "number"
        ? raw
        : typeof raw === "object" && raw !== null
          ? Number((raw as { score?: unknown; epss?: unknown }).score ?? (raw as { epss?: unknown }).epss)
          : undefined;
    if (value !== undefined && Number.isFinite(value) && (best === undefined || value > best)) best = value;
  }
  return best;
}

/** The record's summary; many PyPI records only have details, whose first paragraph (shortened) stands in. */
function titleOf(group: Hit[]): string | undefined {
  const summary = group.find((h) => h.record.summary?.trim())?.record.summary;
  if (summary) return summary.trim();
  const details = group.find((h) => h.record.details?.trim())?.record.details?.trim();
  if (!details) return undefined;
  const first = details.split(/\n\s*\n/)[0]!.replace(/\s+/g, " ");
  return first.length > 120 ? `${first.slice(0, 119)}…` : first;
}

/** The highest fixed version across merged advisories: upgrading to it fixes all of them. */
function highestFix(group: Hit[], cmp: Comparator): string | null {
  let best: string | undefined;
  for (const h of group) {
    if (!h.fixedVersion) continue;
    if (!best || cmp.compare(h.fixedVersion, best) > 0) best = h.fixedVersion;
  }
  return best ?? null;
}

/** Records with no real date (Go publishes 0001-01-01) tell nothing about when a fix shipped. */
const EARLIEST_REAL_DATE = Date.UTC(1990, 0, 1);

/** The earliest publication of an advisory that fixes the package: since then a fix has been available. */
function fixPublishedOf(group: Hit[]): string | undefined {
  let best: number | undefined;
  for (const h of group) {
    if (!h.fixedVersion || !h.record.published) continue;
    const t = Date.parse(h.record.published);
    if (Number.isNaN(t) || t < EARLIEST_REAL_DATE) continue;
    if (best === undefined || t < best) best = t;
  }
  return best === undefined ? undefined : new Date(best).toISOString();
}

function highestSeverity(group: Hit[]): Severity {
  return group
    .map((h) => recordSeverity(h.record, h.affected))
    .reduce<Severity>((a, b) => (severityRank(b) > severityRank(a) ? b : a), "UNKNOWN");
}

function toFinding(
  subject: Subject,
  hitGroup: HitGroup,
  cmp: Comparator,
  db: AdvisorySource,
): VulnerabilityFinding {
  const { id, aliases } = preferredId(hitGroup);
  const group = hitGroup.hits;
  const fixedVersion = highestFix(group, cmp);
  const statuses = group.map((h) => h.status).filter((s) => s !== "fixed" && s !== "affected");
  const cvss: CvssScore[] = [];
  for (const h of group)
    for (const s of cvssScores(h.record, h.affected))
      if (!cvss.some((c) => c.vector === s.vector)) cvss.push(s);
  const references = [...new Set(group.flatMap((h) => (h.record.references ?? []).map((r) => r.url)))];
  const title = titleOf(group);
  // Distribution advisories (DSA/DLA, Alpine, Wolfi) list the CVEs they fix in `upstream`.
  const upstream = [...new Set(group.flatMap((h) => h.record.upstream ?? []))].filter((u) => u !== id);
  const epss = epssOf(db, [id, ...aliases, ...upstream]);
  const fixPublished = fixedVersion ? fixPublishedOf(group) : undefined;
  let severity = highestSeverity(group);
  let severitySource: string | undefined;
  if (severity === "UNKNOWN" && upstream.length) {
    const borrowed = severityFromCves(db, subject.query.ecosystem.split(":")[0]!, upstream);
    if (borrowed) ({ severity, from: severitySource } = borrowed);
  }
  return {
    kind: "vulnerability",
    id,
    aliases,
    severity,
    ...(severitySource ? { severitySource } : {}),
    ...(title ? { title } : {}),
    package: { ...subject.installed, ecosystem: subject.query.ecosystem },
    fixedVersion,
    ...(fixPublished ? { fixPublished } : {}),
    status: fixedVersion ? "fixed" : (statuses[0] ?? "affected"),
    kev: kevFlag(db, [id, ...aliases, ...upstream]),
    ...(epss !== undefined ? { epss } : {}),
    ...(cvss.length ? { cvss } : {}),
    location: subject.location,
    ...(upstream.length ? { upstream } : {}),
    ...(references.length ? { references: references.slice(0, 10) } : {}),
  };
}

/**
 * Matches every package of an inventory against the database: withdrawn records
 * ignored, ranges evaluated with the ecosystem's comparator, advisories naming the
 * same flaw merged into one finding per package, "not affected" statements honoured.
 */
export function matchInventory(
  inventory: Pick<Inventory, "packages" | "os">,
  db: AdvisorySource,
  options: MatchOptions = {},
): MatchResult {
  const comparatorFor = options.comparatorFor ?? comparatorForEcosystem;
  const subjects = subjectsOf(inventory);
  const advisoryCache = new Map<string, OsvRecord[]>();
  const noComparator = new Map<string, number>();
  const findings: VulnerabilityFinding[] = [];
  let invalidVersions = 0;
  const byEcosystem: Record<string, number> = {};
  for (const subject of subjects) {
    const { ecosystem, name, version } = subject.query;
    byEcosystem[ecosystem] = (byEcosystem[ecosystem] ?? 0) + 1;
    const cmp = comparatorFor(ecosystem);
    if (!cmp) {
      noComparator.set(ecosystem, (noComparator.get(ecosystem) ?? 0) + 1);
      continue;
    }
    const key = `${ecosystem}\u0000${name}`;
    let records = advisoryCache.get(key);
    if (!records) advisoryCache.set(key, (records = db.advisories(ecosystem, name)));
    const hits: Hit[] = [];
    for (const record of records) {
      if (record.withdrawn) continue;
      for (const affected of record.affected ?? []) {
        if (!sameOsvPackage(affected.package, subject.query)) continue;
        const result = evaluateAffected(affected, version, cmp);
        if (result.invalid) invalidVersions++;
        if (!result.affected) continue;
        const status = matchStatus(record, affected, result.fixedVersion);
        if (status !== "not_affected")
          hits.push({ record, affected, fixedVersion: result.fixedVersion, status });
        break;
      }
    }
    for (const group of groupByAlias(hits)) findings.push(toFinding(subject, group, cmp, db));
  }
  const warnings = [...noComparator].map(
    ([eco, n]) => `no version comparator for ecosystem ${eco}: ${n} package(s) not matched`,
  );
  return {
    findings,
    warnings,
    stats: { packages: inventory.packages.length, queries: subjects.length, invalidVersions, byEcosystem },
  };
}
