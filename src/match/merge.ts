import type { OsvAffected, OsvRecord } from "../vulndb/osv.js";

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
 * Groups the hits of one package so that advisories naming each other (OSV id or
 * alias in common) become one finding: GO-…, GHSA-… and CVE-… for the same flaw
 * are one vulnerability to the user. Union–find over the ids.
 */
export function groupByAlias(hits: Hit[]): Hit[][] {
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
    for (const id of [hit.record.id, ...(hit.record.aliases ?? [])]) {
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
export function preferredId(group: Hit[]): { id: string; aliases: string[] } {
  const ids = new Set<string>();
  for (const h of group) for (const id of [h.record.id, ...(h.record.aliases ?? [])]) ids.add(id);
  const cves = [...ids].filter(isCve).sort(compareCveIds);
  const id = cves[0] ?? group[0]!.record.id;
  ids.delete(id);
  return { id, aliases: [...ids].sort() };
}

/** CVE-2021-9999 sorts before CVE-2021-10000. */
function compareCveIds(a: string, b: string): number {
  const [, ya, na] = a.split("-");
  const [, yb, nb] = b.split("-");
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}
