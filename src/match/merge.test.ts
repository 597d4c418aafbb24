import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../vulndb/osv.js";
import { groupByAlias, preferredId, type Hit } from "./merge.js";

function hit(id: string, aliases: string[] = []): Hit {
  const record: OsvRecord = { id, aliases, modified: "2024-01-01T00:00:00Z" };
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
    expect(groups.map((g) => g.map((h) => h.record.id))).toEqual([
      ["GO-2022-0001", "GHSA-aaaa", "PYSEC-1"],
      ["GO-2022-0002"],
    ]);
  });

  it("prefers the CVE id and lists the rest as aliases", () => {
    const [g] = groupByAlias([hit("GO-2022-0001", ["CVE-2022-1", "GHSA-x"]), hit("GHSA-x")]);
    expect(preferredId(g!)).toEqual({ id: "CVE-2022-1", aliases: ["GHSA-x", "GO-2022-0001"] });
  });

  it("keeps the OSV id without a CVE, and picks the lowest CVE numerically", () => {
    expect(preferredId([hit("NSWG-ECO-17")])).toEqual({ id: "NSWG-ECO-17", aliases: [] });
    expect(preferredId([hit("X", ["CVE-2021-10000", "CVE-2021-9999"])]).id).toBe("CVE-2021-9999");
  });
});
