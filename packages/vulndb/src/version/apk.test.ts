/**
 * No native apk-tools runs here (this is a Debian host), so these are vectors we
 * wrote from apk-tools' documented ordering (the Gentoo-style grammar its
 * version.c describes): every chain below must come out strictly increasing.
 */
import { describe, expect, it } from "vitest";
import { apkComparator } from "./apk.js";

const CHAINS = [
  [
    "1.0_alpha",
    "1.0_alpha1",
    "1.0_alpha2",
    "1.0_beta",
    "1.0_beta3",
    "1.0_pre1",
    "1.0_rc1",
    "1.0_rc9",
    "1.0_rc10",
    "1.0",
    "1.0-r1",
    "1.0-r2",
    "1.0-r10",
    "1.0_cvs",
    "1.0_svn",
    "1.0_git",
    "1.0_hg",
    "1.0_p1",
    "1.0_p2",
    "1.0a",
    "1.0b",
    "1.0z",
    "1.0.1",
    "1.01",
    "1.1",
    "1.1.1",
    "1.2",
    "1.10",
    "2.0_alpha",
    "2.0",
  ],
  ["1.2.3_rc1-r0", "1.2.3_rc1-r1", "1.2.3", "1.2.3_p1_rc1", "1.2.3_p1", "1.2.3_p1-r1"],
  ["0.9.99", "1", "1.0", "1.0.0", "1.0.0.0"],
  ["1.001", "1.01", "1.1"],
  ["3.1.4-r0", "3.1.4-r5", "3.1.4_git20230101-r0", "3.1.4_p20230101-r0", "3.1.5-r0"],
];

describe("apk comparator (documented ordering; no native apk here)", () => {
  for (const chain of CHAINS) {
    it(`orders ${chain[0]} … ${chain[chain.length - 1]}`, () => {
      for (let i = 0; i < chain.length; i++) {
        for (let j = 0; j < chain.length; j++) {
          const [a, b] = [chain[i] as string, chain[j] as string];
          expect(Math.sign(apkComparator.compare(a, b)), `${a} vs ${b}`).toBe(Math.sign(i - j));
        }
      }
    });
  }

  it("validates like apk-tools and never throws", () => {
    for (const v of ["1.0", "1.0-r1", "2.38.1_p20230101-r3", "1.0a_rc1", "0.1_alpha2_beta1"]) {
      expect(apkComparator.valid(v), v).toBe(true);
    }
    for (const v of ["", "1.0_foo", "1.0A", "1.0-1", "1.0-r", "1..0", "1.0-r1-r2", "1.0_alpha.1"]) {
      expect(apkComparator.valid(v), v).toBe(false);
    }
    expect(() => apkComparator.compare("_-.", "\u00e9")).not.toThrow();
  });
});
