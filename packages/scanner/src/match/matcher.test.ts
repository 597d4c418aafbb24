import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VulnerabilityFinding } from "../../../model/src/finding.js";
import type { OsInfo, Package } from "../../../model/src/package.js";
import { openVulnDb, type VulnDb } from "../../../vulndb/src/store.js";
import { matchInventory } from "./matcher.js";
import { MATCH_TESTDATA, fixtureDb } from "./testutil/testdb.js";

/**
 * OS matching on Debian records in OSV format. They are hand-written (in the shape of
 * Debian's OSV export) because no Debian feed is mirrored here; the database they go
 * through is the real one, built by `updateVulnDb`.
 */
const debian12: OsInfo = { family: "debian", name: "Debian GNU/Linux", version: "12", codename: "bookworm" };

function deb(name: string, version: string, source?: { name: string; version: string }): Package {
  return {
    type: "deb",
    name,
    version,
    purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=amd64&distro=debian-12`,
    licenses: [],
    ...(source ? { source } : {}),
    locations: [{ path: "/var/lib/dpkg/status", layerDigest: "sha256:base" }],
  };
}

let db: VulnDb;
let findings: VulnerabilityFinding[];

beforeAll(async () => {
  const { cacheDir } = await fixtureDb(
    { Debian: join(MATCH_TESTDATA, "debian") },
    join(MATCH_TESTDATA, "kev", "known_exploited_vulnerabilities.json"),
  );
  db = openVulnDb(cacheDir);
  const packages = [
    deb("libssl3", "3.0.11-1~deb12u2+b1", { name: "openssl", version: "3.0.11-1~deb12u2" }),
    deb("bash", "5.2.15-2+b2"),
    deb("zlib1g", "1:1.2.13.dfsg-1", { name: "zlib", version: "1:1.2.13.dfsg-1" }),
  ];
  findings = matchInventory({ packages, os: debian12 }, db).findings;
});

afterAll(() => db?.close());

function find(id: string, pkg = "libssl3"): VulnerabilityFinding | undefined {
  return findings.find((f) => f.id === id && f.package.name === pkg);
}

describe("Debian matching (OSV fixtures)", () => {
  it("matches by source package and source version, reporting the binary package", () => {
    const f = find("CVE-2023-0001");
    expect(f).toMatchObject({
      package: { name: "libssl3", version: "3.0.11-1~deb12u2+b1", ecosystem: "Debian:12" },
      fixedVersion: "3.0.13-1~deb12u1",
      status: "fixed",
      severity: "CRITICAL",
      kev: true,
      location: { path: "/var/lib/dpkg/status", layer: "sha256:base" },
    });
  });

  it("dates the fix by the earliest advisory that ships it; an unfixed issue has no fix date", () => {
    expect(find("CVE-2023-0001")?.fixPublished).toBe("2024-02-01T10:00:00.000Z");
    expect(find("CVE-2023-0002")).not.toHaveProperty("fixPublished");
  });

  it("merges the distro record and the umbrella DSA into the CVE", () => {
    expect(find("CVE-2023-0001")!.aliases).toEqual(["DEBIAN-CVE-2023-0001", "DSA-5999-1"]);
    expect(find("CVE-2023-0004")!.aliases).toEqual(["DEBIAN-CVE-2023-0004", "DSA-5999-1"]);
    expect(findings.some((f) => f.id === "DSA-5999-1")).toBe(false);
  });

  it("reports unfixed issues with the distro's status and severity", () => {
    expect(find("CVE-2023-0002")).toMatchObject({
      fixedVersion: null,
      status: "will_not_fix",
      severity: "LOW",
      kev: false,
    });
    expect(find("CVE-2023-0007")).toMatchObject({
      fixedVersion: null,
      status: "affected",
      severity: "UNKNOWN",
    });
  });

  it("leaves out fixed, withdrawn, other-release and not-affected records", () => {
    for (const id of ["CVE-2023-0003", "CVE-2023-0005", "CVE-2023-0006", "CVE-2023-0008"])
      expect(findings.filter((f) => f.id === id)).toEqual([]);
  });

  it("compares with dpkg semantics (epochs)", () => {
    expect(find("CVE-2023-0009", "bash")).toMatchObject({ fixedVersion: "1:5.0-1", severity: "LOW" });
    expect(findings.filter((f) => f.package.name === "zlib1g")).toEqual([]);
  });

  it("yields exactly the expected findings", () => {
    expect(findings.map((f) => `${f.package.name}:${f.id}`).sort()).toEqual([
      "bash:CVE-2023-0009",
      "libssl3:CVE-2023-0001",
      "libssl3:CVE-2023-0002",
      "libssl3:CVE-2023-0004",
      "libssl3:CVE-2023-0007",
    ]);
  });

  it("matches nothing for an unknown Debian release", () => {
    const r = matchInventory(
      { packages: [deb("bash", "5.2.15-2+b2")], os: { ...debian12, version: "" } },
      db,
    );
    expect(r.findings).toEqual([]);
  });
});
