import type { OsvAffected, OsvRecord } from "@bulwark/vulndb";

/** One advisory that matched one package. */
export interface Hit {
  record: OsvRecord;
  affected: OsvAffected;
  fixedVersion?: string;
  status: string;
}

const CVE = /^CVE-\d{4}-\d+$/;

export function isCve(id: string): boolean {
  return CVE.test(id);
}

/**
 * The ids a record stands for. Distro re-publications name their CVE in `upstream`
 * (Debian's DEBIAN-CVE-…, Ubuntu's UBUNTU-CVE-…); one upstream id is the same flaw.
 */
export function idsOf(record: OsvRecord): string[] {
  const upstream = record.upstream?.length === 1 ? record.upstream : [];
  return [record.id, ...(record.aliases ?? []), ...upstream];
}

/** A distro advisory (DSA, DLA, USN) that fixes several CVEs at once. */
function isUmbrella(record: OsvRecord): boolean {
  return (record.upstream?.length ?? 0) > 1 && !isCve(record.id);
}

/** One finding to be: merged hits, plus umbrella advisories that also cover it. */
export interface HitGroup {
  hits: Hit[];
  coveredBy: string[];
}

/**
 * Groups the hits of one package so that advisories naming each other (OSV id,
 * alias or single upstream id in common) become one finding: GO-…, GHSA-… and CVE-…
 * for the same flaw are one vulnerability to the user. An umbrella advisory (a DSA
 * fixing five CVEs) whose CVEs all have findings becomes an alias of each of them
 * rather than a sixth finding; otherwise it stands on its own.
 */
export function groupByAlias(hits: Hit[]): HitGroup[] {
  const umbrellas = hits.filter((h) => isUmbrella(h.record));
  const groups = unionByIds(hits.filter((h) => !isUmbrella(h.record))).map((g) => ({
    hits: g,
    coveredBy: [] as string[],
  }));
  const groupOf = new Map<string, HitGroup>();
  for (const g of groups) for (const h of g.hits) for (const id of idsOf(h.record)) groupOf.set(id, g);
  for (const u of umbrellas) {
    const covered = (u.record.upstream ?? []).map((id) => groupOf.get(id));
    if (covered.every((g) => g !== undefined))
      for (const g of new Set(covered)) g!.coveredBy.push(u.record.id);
    else groups.push({ hits: [u], coveredBy: [] });
  }
  return groups;
}

function unionByIds(hits: Hit[]): Hit[][] {
  const parent = hits.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  hits.forEach((hit, i) => {
    for (const id of idsOf(hit.record)) {
      const seen = owner.get(id);
      if (seen === undefined) owner.set(id, i);
      else parent[find(i)] = find(seen);
    }
  });
  const groups = new Map<number, Hit[]>();
  hits.forEach((hit, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(hit);
    else groups.set(root, [hit]);
  });
  return [...groups.values()];
}

/** The id a merged finding goes by: its CVE when it has one (lowest if several), else the first record's id. */
export function preferredId(group: HitGroup): { id: string; aliases: string[] } {
  const ids = new Set<string>();
  for (const h of group.hits) for (const id of idsOf(h.record)) ids.add(id);
  const cves = [...ids].filter(isCve).sort(compareCveIds);
  const id = cves[0] ?? group.hits[0]!.record.id;
  for (const c of group.coveredBy) ids.add(c);
  ids.delete(id);
  return { id, aliases: [...ids].sort() };
}

/** CVE-2021-9999 sorts before CVE-2021-10000. */
function compareCveIds(a: string, b: string): number {
  const [, ya, na] = a.split("-");
  const [, yb, nb] = b.split("-");
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}
