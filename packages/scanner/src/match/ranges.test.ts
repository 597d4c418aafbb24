/**
 * OSV range semantics. The records in testdata/ranges/ are hand-written (see its
 * README): no Debian OSV feed is mirrored and no component here emits OSV with
 * these edge cases. Versions are ordered by the real comparators.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { comparatorForEcosystem, comparatorForScheme } from "../../../vulndb/src/version/index.js";
import { Prng } from "../../../vulndb/src/version/testutil/prng.js";
import type { OsvAffected, OsvEvent, OsvRecord } from "../../../vulndb/src/osv.js";
import { evaluateAffected } from "./ranges.js";

function load(file: string): OsvRecord {
  return JSON.parse(readFileSync(new URL(`./testdata/ranges/${file}`, import.meta.url), "utf8")) as OsvRecord;
}

/** [fixture, package, installed version, affected, fixedVersion or null, invalid pattern or null] */
type Case = [string, string, string, boolean, string | null, RegExp | null];

const CASES: Case[] = [
  ["debian-openssl.json", "openssl", "3.0.11-1~deb12u1", true, "3.0.11-1~deb12u2", null],
  ["debian-openssl.json", "openssl", "3.0.11-1~deb12u2", false, null, null],
  ["debian-openssl.json", "openssl", "3.0.11-1", false, null, null],
  ["debian-openssl.json", "openssl", "3.0.9-1", true, "3.0.11-1~deb12u2", null],
  ["debian-openssl.json", "openssl", "1:0.9-1", false, null, null],
  ["debian-epoch.json", "vim", "2:9.0.1378-2", true, "2:9.0.1378-2+deb12u1", null],
  ["debian-epoch.json", "vim", "2:9.0.1378-2+deb12u1", false, null, null],
  ["debian-epoch.json", "vim", "9.0.1378-2", false, null, null],
  ["debian-epoch.json", "vim", "2:8.1.2269-1", false, null, null],
  ["debian-epoch.json", "vim", "3:1.0-1", false, null, null],
  ["debian-unfixed.json", "tiff", "4.5.0-6", true, null, null],
  ["debian-unfixed.json", "libxml2", "2.9.14+dfsg-1.3~deb12u1", true, null, null],
  ["debian-unfixed.json", "libxml2", "2.9.14+dfsg-1.3", false, null, null],
  ["debian-unfixed.json", "libxml2", "2.9.13+dfsg-1", true, null, null],
  ["pypi-unsorted.json", "jinja2", "1.0", true, "1.2.5", null],
  ["pypi-unsorted.json", "jinja2", "1.2.5", false, null, null],
  ["pypi-unsorted.json", "jinja2", "1.2.5.post1", false, null, null],
  ["pypi-unsorted.json", "jinja2", "2.0rc1", false, null, null],
  ["pypi-unsorted.json", "jinja2", "2.0", true, "2.1.1", null],
  ["pypi-unsorted.json", "jinja2", "2.0.0", true, "2.1.1", null],
  ["pypi-unsorted.json", "jinja2", "2.1.1", false, null, null],
  ["pypi-unsorted.json", "jinja2", "3.0", false, null, null],
  ["npm-versions-list.json", "minimist", "0.2.1", true, null, null],
  ["npm-versions-list.json", "minimist", "1.2.0", true, "1.2.6", null],
  ["npm-versions-list.json", "minimist", "1.2.6-beta.1", true, "1.2.6", null],
  ["npm-versions-list.json", "minimist", "1.2.6", false, null, null],
  ["npm-versions-list.json", "minimist", "0.2.0", false, null, null],
  ["crates-limit.json", "smallvec", "1.5.0", true, null, null],
  ["crates-limit.json", "smallvec", "2.0.0", false, null, null],
  ["crates-limit.json", "smallvec", "2.5.0", false, null, null],
  ["crates-limit.json", "tokio", "1.18.4", true, "1.18.5", null],
  ["crates-limit.json", "tokio", "1.18.5", false, null, null],
  ["crates-limit.json", "tokio", "0.9.0", false, null, null],
  ["invalid-ranges.json", "requests", "2.30.0", true, "2.31.0", /unknown range type "CALVER"/],
  ["invalid-ranges.json", "requests", "2.31.0", false, null, /unknown range type "CALVER"/],
  [
    "invalid-ranges.json",
    "requests",
    "garbage!!",
    false,
    null,
    /installed version "garbage!!" is not a valid pep440/,
  ],
  [
    "invalid-ranges.json",
    "urllib3",
    "1.26.0",
    false,
    null,
    /fixed "not a version!" is not a valid pep440 version/,
  ],
  ["invalid-ranges.json", "idna", "3.6", false, null, /event with 2 of/],
  ["invalid-ranges.json", "certifi", "2024.1.1", false, null, /without an introduced event/],
  ["git-only.json", "pillow", "9.0.1", true, null, null],
  ["git-only.json", "pillow", "9.1.0", false, null, null],
  ["withdrawn.json", "lodash", "4.17.20", true, "4.17.21", null],
  ["go-stdlib.json", "stdlib", "v1.17.2", true, "1.20.10", null],
  ["go-stdlib.json", "stdlib", "go1.17.2", true, "1.20.10", null],
  ["go-stdlib.json", "stdlib", "1.20.10", false, null, null],
  ["go-stdlib.json", "stdlib", "v1.20.11", false, null, null],
  ["go-stdlib.json", "stdlib", "go1.21rc1", true, "1.21.3", null],
  ["go-stdlib.json", "stdlib", "v1.21.3", false, null, null],
  ["os-packages.json", "Alpine:v3.19/openssl", "3.1.4-r0", true, "3.1.4-r1", null],
  ["os-packages.json", "Alpine:v3.19/openssl", "3.1.4_rc1-r5", true, "3.1.4-r1", null],
  ["os-packages.json", "Alpine:v3.19/openssl", "3.1.4-r1", false, null, null],
  ["os-packages.json", "Alpine:v3.19/openssl", "3.1.5-r0", false, null, null],
  ["os-packages.json", "Rocky Linux:9/openssl", "1:3.0.7-18.el9", true, "1:3.0.7-24.el9", null],
  ["os-packages.json", "Rocky Linux:9/openssl", "1:3.0.7-24.el9", false, null, null],
  ["os-packages.json", "Rocky Linux:9/openssl", "1:3.0.7-24.el9_2", false, null, null],
  ["os-packages.json", "Rocky Linux:9/openssl", "3.0.7-25.el9", true, "1:3.0.7-24.el9", null],
  ["maven-last-affected.json", "com.fasterxml.jackson.core:jackson-databind", "2.14.1", true, null, null],
  ["maven-last-affected.json", "com.fasterxml.jackson.core:jackson-databind", "2.0.0", true, null, null],
  ["maven-last-affected.json", "com.fasterxml.jackson.core:jackson-databind", "2.14.2", false, null, null],
  [
    "maven-last-affected.json",
    "com.fasterxml.jackson.core:jackson-databind",
    "2.15.0-rc1",
    false,
    null,
    null,
  ],
  ["maven-last-affected.json", "com.fasterxml.jackson.core:jackson-databind", "1.9.13", false, null, null],
  ["maven-last-affected.json", "org.example:overlap", "1.1", true, "1.5", null],
  ["maven-last-affected.json", "org.example:overlap", "1.3", true, "1.7", null],
  ["maven-last-affected.json", "org.example:overlap", "1.5", true, "1.7", null],
  ["maven-last-affected.json", "org.example:overlap", "1.6", true, null, null],
  ["maven-last-affected.json", "org.example:overlap", "0.9", false, null, null],
];

/** "Ecosystem/name" picks by both when a fixture has the same name in two ecosystems. */
function findAffected(record: OsvRecord, pkg: string): OsvAffected {
  const found = record.affected?.find(
    (a) => pkg === a.package?.name || pkg === `${a.package?.ecosystem}/${a.package?.name}`,
  );
  if (!found) throw new Error(`no ${pkg} in ${record.id}`);
  return found;
}

describe("evaluateAffected on hand-written OSV records", () => {
  it.each(CASES)("%s: %s %s → affected %s, fix %s", (file, pkg, version, affected, fix, invalid) => {
    const a = findAffected(load(file), pkg);
    const cmp = comparatorForEcosystem(a.package?.ecosystem ?? "");
    expect(cmp, a.package?.ecosystem).toBeDefined();
    const verdict = evaluateAffected(a, version, cmp!);
    expect(verdict.affected).toBe(affected);
    expect(verdict.fixedVersion ?? null).toBe(fix);
    if (invalid) expect(verdict.invalid).toMatch(invalid);
    else expect(verdict.invalid).toBeUndefined();
  });

  it("ignores withdrawal: that is the matcher's decision, not the range's", () => {
    const record = load("withdrawn.json");
    expect(record.withdrawn).toBeTruthy();
    expect(
      evaluateAffected(findAffected(record, "lodash"), "4.17.20", comparatorForScheme("semver")).affected,
    ).toBe(true);
  });
});

describe("evaluateAffected on malformed structures", () => {
  const cmp = comparatorForScheme("pep440");
  it.each([
    [{ ranges: [null] }, /range is not an object/],
    [{ ranges: [{ type: "ECOSYSTEM" }] }, /without events/],
    [{ ranges: [{ type: "ECOSYSTEM", events: [{}] }] }, /event with 0 of/],
    [{ ranges: [{ type: "ECOSYSTEM", events: [{ introduced: 1 }] }] }, /introduced without a version/],
    [
      { ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { limit: "x y" }] }] },
      /limit "x y" is not a valid/,
    ],
  ])("%j → not affected, %s", (affected, reason) => {
    const verdict = evaluateAffected(affected as unknown as OsvAffected, "1.0", cmp);
    expect(verdict.affected).toBe(false);
    expect(verdict.invalid).toMatch(reason);
  });

  it("treats a non-array ranges or versions field as empty", () => {
    const verdict = evaluateAffected({ ranges: "x", versions: 7 } as unknown as OsvAffected, "1.0", cmp);
    expect(verdict).toEqual({ affected: false });
  });
});

describe("evaluateAffected against a brute-force interval check", () => {
  it("agrees on 3,000 random multi-interval ranges with shuffled events and limits (PEP 440)", () => {
    const cmp = comparatorForScheme("pep440");
    const rng = new Prng(0x0517);
    const pool: string[] = [];
    for (let i = 0; i < 200; i++)
      pool.push(`${rng.int(4)}.${rng.int(4)}${rng.chance(0.3) ? `rc${rng.int(3)}` : ""}`);
    // Distinct versions in order (1.0 and 1.0.0 would be one version).
    const sorted = pool
      .sort(cmp.compare)
      .filter((v, i, all) => i === 0 || cmp.compare(all[i - 1] as string, v) !== 0);
    expect(sorted.length).toBeGreaterThan(20);
    let affectedCount = 0;
    for (let n = 0; n < 3_000; n++) {
      // Cut points: intervals [cut0, cut1), [cut2, cut3], ...; a closer is fixed (exclusive,
      // a fix) or last_affected (inclusive, no fix); the last interval may be open.
      const cuts = sorted.filter(() => rng.chance(0.25));
      if (cuts.length === 0) continue;
      const closers = cuts.map(() => (rng.chance(0.3) ? "last_affected" : "fixed"));
      const events: OsvEvent[] = cuts.map((v, i) =>
        i % 2 === 0 ? { introduced: v } : { [closers[i] as string]: v },
      );
      const limit = rng.chance(0.2) ? rng.pick(sorted) : undefined;
      if (limit) events.push({ limit });
      const shuffled = [...events].sort(() => rng.next() - 0.5);
      const version = rng.pick(sorted);
      let expected = false;
      let expectedFix: string | undefined;
      for (let i = 0; i < cuts.length; i += 2) {
        const lo = cuts[i] as string;
        const hi = cuts[i + 1];
        const inclusive = closers[i + 1] === "last_affected";
        const belowHi = hi === undefined || cmp.compare(version, hi) < (inclusive ? 1 : 0);
        if (cmp.compare(version, lo) >= 0 && belowHi) {
          expected = true;
          expectedFix = inclusive ? undefined : hi;
        }
      }
      if (limit && cmp.compare(version, limit) >= 0) [expected, expectedFix] = [false, undefined];
      if (expected) affectedCount++;
      const verdict = evaluateAffected({ ranges: [{ type: "ECOSYSTEM", events: shuffled }] }, version, cmp);
      const label = `${version} in ${JSON.stringify(shuffled)}`;
      expect(verdict.affected, label).toBe(expected);
      expect(verdict.fixedVersion, label).toBe(expectedFix);
    }
    expect(affectedCount).toBeGreaterThan(500);
  });
});
