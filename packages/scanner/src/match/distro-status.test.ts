/**
 * Statuses the distribution feeds carry, on the REAL records of ../shared/vulndb (copied to
 * a temp dir, never into the repo): Debian's `<end-of-life>` and `<unfixed>` entries have
 * no `fixed` event and say so in `database_specific.status`. No image of those releases
 * (Debian 3.0, 6.0, 7, 8) can be built here from Debian's archive in a test, so the
 * inventory is written by hand; the database is the real one built by updateVulnDb.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OsInfo, Package } from "../../../model/src/package.js";
import type { OsvRecord } from "../../../vulndb/src/osv.js";
import { openVulnDb, type VulnDb } from "../../../vulndb/src/store.js";
import { matchInventory } from "./matcher.js";
import { matchStatus } from "./status.js";
import { SHARED_VULNDB, fixtureDb } from "./testutil/testdb.js";

const ZIP = join(SHARED_VULNDB, "osv/Debian/all.zip");
// DSA-3699-1: virtualbox end-of-life in jessie; DSA-3314-1: typo3-src end-of-life in wheezy;
// DSA-880-1: phpmyadmin <unfixed> in woody, fixed in sarge.
const IDS = ["DSA-3699-1", "DSA-3314-1", "DSA-880-1"];
const skip = existsSync(ZIP) ? "" : `no Debian advisories in ${SHARED_VULNDB}`;

let dir = "";
let root = "";
let db: VulnDb | undefined;

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "bulwark-distro-status-"));
  execFileSync("unzip", ["-q", ZIP, ...IDS.map((id) => `${id}.json`), "-d", dir]);
  const built = await fixtureDb({ Debian: dir });
  root = built.root;
  db = openVulnDb(built.cacheDir);
});
afterAll(() => {
  db?.close();
  for (const d of [dir, root]) if (d) rmSync(d, { recursive: true, force: true });
});

function deb(name: string, version: string, release: string): Package {
  return {
    type: "deb",
    name,
    version,
    purl: `pkg:deb/debian/${name}@${version}?distro=debian-${release}`,
    licenses: [],
    source: { name, version },
    locations: [{ path: "/var/lib/dpkg/status" }],
  };
}
const os = (version: string): OsInfo => ({ family: "debian", name: "Debian GNU/Linux", version });
const record = (id: string) => JSON.parse(readFileSync(join(dir, `${id}.json`), "utf8")) as OsvRecord;

describe.skipIf(skip)("Debian end-of-life and unfixed entries (real feed records)", () => {
  it("an end-of-life package of a release is reported as end_of_life with no fix", () => {
    const jessie = matchInventory(
      { os: os("8"), packages: [deb("virtualbox", "4.3.36-dfsg-1+deb8u1", "8")] },
      db!,
    );
    expect(jessie.findings.map((f) => [f.id, f.status, f.fixedVersion])).toEqual([
      ["DSA-3699-1", "end_of_life", null],
    ]);
    const wheezy = matchInventory(
      { os: os("7"), packages: [deb("typo3-src", "4.5.19+dfsg1-5+wheezy4", "7")] },
      db!,
    );
    expect(wheezy.findings.map((f) => [f.id, f.status])).toEqual([["DSA-3314-1", "end_of_life"]]);
    // The same advisory says nothing about another release.
    expect(
      matchInventory({ os: os("9"), packages: [deb("virtualbox", "5.0.0-1", "9")] }, db!).findings,
    ).toEqual([]);
  });

  it("an <unfixed> entry reads as affected (no fix yet); the release with a fix is fixed", () => {
    const rec = record("DSA-880-1");
    const woody = rec.affected!.find((a) => a.package?.ecosystem === "Debian:3.0")!;
    const sarge = rec.affected!.find((a) => a.package?.ecosystem === "Debian:3.1")!;
    expect(woody.database_specific?.status).toBe("unfixed");
    expect(matchStatus(rec, woody, undefined)).toBe("affected");
    expect(matchStatus(rec, sarge, "4:2.6.2-3sarge1")).toBe("fixed");
  });
});
