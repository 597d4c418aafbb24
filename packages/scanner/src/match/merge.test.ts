import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../../../vulndb/src/osv.js";
import { groupByAlias, preferredId, type Hit } from "./merge.js";

function hit(id: string, aliases: string[] = [], upstream?: string[]): Hit {
  const record: OsvRecord = {
    id,
    aliases,
    modified: "2024-01-01T00:00:00Z",
    ...(upstream ? { upstream } : {}),
  };
  return { record, affected: {}, status: "affected" };
}

describe("alias merging", () => {
  it("merges records that name each other, transitively", () => {
    const groups = groupByAlias([
      hit("GO-2022-0001", ["CVE-2022-1"]),
      hit("GHSA-aaaa", ["CVE-2022-1", "GO-2022-0001"]),
      hit("PYSEC-1", ["GHSA-aaaa"]),
      hit("GO-2022-0002", ["CVE-2022-2"]),
    ]);
    expect(groups.map((g) => g.hits.map((h) => h.record.id))).toEqual([
      ["GO-2022-0001", "GHSA-aaaa", "PYSEC-1"],
      ["GO-2022-0002"],
    ]);
  });

  it("prefers the CVE id and lists the rest as aliases", () => {
    const [g] = groupByAlias([hit("GO-2022-0001", ["CVE-2022-1", "GHSA-x"]), hit("GHSA-x")]);
    expect(g!.hits).toHaveLength(2);
    expect(preferredId(g!)).toEqual({ id: "CVE-2022-1", aliases: ["GHSA-x", "GO-2022-0001"] });
  });

  it("keeps the OSV id without a CVE, and picks the lowest CVE numerically", () => {
    expect(preferredId({ hits: [hit("NSWG-ECO-17")], coveredBy: [] })).toEqual({
      id: "NSWG-ECO-17",
      aliases: [],
    });
    expect(preferredId({ hits: [hit("X", ["CVE-2021-10000", "CVE-2021-9999"])], coveredBy: [] }).id).toBe(
      "CVE-2021-9999",
    );
  });

  it("reads a distro record's single upstream CVE as the same flaw", () => {
    const groups = groupByAlias([
      hit("DEBIAN-CVE-2024-1", [], ["CVE-2024-1"]),
      hit("GHSA-y", ["CVE-2024-1"]),
    ]);
    expect(groups).toHaveLength(1);
    expect(preferredId(groups[0]!)).toEqual({ id: "CVE-2024-1", aliases: ["DEBIAN-CVE-2024-1", "GHSA-y"] });
  });

  it("folds an umbrella advisory into the CVEs it fixes when all have findings", () => {
    const dsa = hit("DSA-5000-1", [], ["CVE-2024-1", "CVE-2024-2"]);
    const groups = groupByAlias([
      hit("DEBIAN-CVE-2024-1", [], ["CVE-2024-1"]),
      hit("DEBIAN-CVE-2024-2", [], ["CVE-2024-2"]),
      dsa,
    ]);
    expect(groups.map((g) => preferredId(g))).toEqual([
      { id: "CVE-2024-1", aliases: ["DEBIAN-CVE-2024-1", "DSA-5000-1"] },
      { id: "CVE-2024-2", aliases: ["DEBIAN-CVE-2024-2", "DSA-5000-1"] },
    ]);
    const alone = groupByAlias([hit("DEBIAN-CVE-2024-1", [], ["CVE-2024-1"]), dsa]);
    expect(alone.map((g) => preferredId(g).id)).toEqual(["CVE-2024-1", "DSA-5000-1"]);
  });
});
