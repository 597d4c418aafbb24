/**
 * Generators of realistic version strings, one per scheme, built from each
 * scheme's grammar plus the quirks seen in real distributions and registries.
 */
import type { Prng } from "./prng.js";

function dotted(rng: Prng, min: number, max: number): string {
  const n = min + rng.int(max - min + 1);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.smallNumber());
  return parts.join(".");
}

/** Random characters from an alphabet: stresses the character-level rules. */
function noise(rng: Prng, alphabet: string, maxLen: number): string {
  let s = "";
  const n = 1 + rng.int(maxLen);
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

const DEB_SUFFIX = [
  "~rc1",
  "~beta2",
  "~",
  "~~",
  "+dfsg",
  "+dfsg1",
  "+b1",
  "+really1.2",
  "a",
  "z",
  ".1",
  "+git20230101",
  "~pre",
];
const DEB_REVISION = [
  "1",
  "2",
  "0",
  "1.1",
  "1ubuntu1",
  "1+deb12u1",
  "1~bpo11+1",
  "3build2",
  "0.1",
  "1+b2",
  "10",
  "1~",
];

export function debVersion(rng: Prng): string {
  if (rng.chance(0.15)) {
    const up = rng.smallNumber() + noise(rng, "0123456789abcAZ.+~", 6);
    return rng.chance(0.5) ? up : `${up}-${noise(rng, "0123456789abz.+~", 4)}`;
  }
  let v = rng.chance(0.25) ? `${rng.int(4)}:` : "";
  v += dotted(rng, 1, 4);
  while (rng.chance(0.35)) v += rng.pick(DEB_SUFFIX);
  if (rng.chance(0.7)) v += "-" + rng.pick(DEB_REVISION);
  return v;
}

const RPM_SUFFIX = [
  "~rc1",
  "~beta",
  "^20230101git1",
  "^",
  "~",
  "a",
  "b",
  ".el9",
  ".el9_2",
  "_1",
  "+1",
  "git5",
];
const RPM_RELEASE = [
  "1",
  "2.el9",
  "1.el8_6",
  "0.1.rc1.fc38",
  "3.module+el8.4.0+1",
  "1~beta",
  "1^post",
  "10.el7",
];

export function rpmVersion(rng: Prng): string {
  if (rng.chance(0.15)) {
    const ver = noise(rng, "0123456789abAZ.~^_+", 8);
    return rng.chance(0.6) ? `${ver}-${noise(rng, "0123456789ab.~^", 5)}` : ver;
  }
  let v = rng.chance(0.2) ? `${rng.int(3)}:` : "";
  v += dotted(rng, 1, 4);
  while (rng.chance(0.3)) v += rng.pick(RPM_SUFFIX);
  if (rng.chance(0.85)) v += "-" + rng.pick(RPM_RELEASE);
  return v;
}

const PRE = ["a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "A", "RC"];
const SEP = ["", ".", "-", "_"];

/** PEP 440 versions, including the spellings `packaging` normalises. */
export function pep440Version(rng: Prng): string {
  let v = rng.chance(0.1) ? `${rng.int(3)}!` : "";
  if (rng.chance(0.05)) v = "v" + v;
  v += dotted(rng, 1, 4);
  if (rng.chance(0.3))
    v += rng.pick(SEP) + rng.pick(PRE) + (rng.chance(0.8) ? rng.pick(SEP) + rng.smallNumber() : "");
  if (rng.chance(0.2)) {
    v += rng.chance(0.2)
      ? `-${rng.smallNumber()}`
      : rng.pick(SEP) +
        rng.pick(["post", "rev", "r", "POST"]) +
        (rng.chance(0.8) ? rng.pick(SEP) + rng.smallNumber() : "");
  }
  if (rng.chance(0.2))
    v += rng.pick(SEP) + rng.pick(["dev", "DEV"]) + (rng.chance(0.8) ? rng.smallNumber() : "");
  if (rng.chance(0.15)) {
    const segs = [];
    for (let i = 0, n = 1 + rng.int(3); i < n; i++)
      segs.push(rng.chance(0.5) ? rng.smallNumber() : noise(rng, "abcxyzUBU", 4));
    v += "+" + segs.join(rng.pick([".", "-", "_"]));
  }
  if (rng.chance(0.03)) v = ` ${v}\t`;
  if (rng.chance(0.08)) v = noise(rng, "0123456789.abcdeprstv+-_!", 10);
  return v;
}

const SEMVER_PRE = [
  "alpha",
  "beta",
  "rc",
  "0",
  "1",
  "2",
  "10",
  "alpha.1",
  "beta.11",
  "rc.1",
  "x-y",
  "0a",
  "A",
  "pre.0.3",
];

/** SemVer 2.0 strings; `withV` adds Go's leading v. */
export function semverVersion(rng: Prng): string {
  let v = `${rng.smallNumber()}.${rng.smallNumber()}.${rng.smallNumber()}`;
  v = v.replace(/(^|\.)0(\d)/g, "$1$2"); // SemVer forbids leading zeros
  if (rng.chance(0.4)) {
    const ids = [];
    for (let i = 0, n = 1 + rng.int(3); i < n; i++) ids.push(rng.pick(SEMVER_PRE));
    v += "-" + ids.join(".");
  }
  if (rng.chance(0.15)) v += "+" + rng.pick(["build.1", "001", "sha.5114f85", "incompatible"]);
  return v;
}

/** Go module versions: semver with v, pseudo-versions and +incompatible. */
export function goVersion(rng: Prng): string {
  const r = rng.next();
  const base = `v${rng.int(4)}.${rng.int(5)}.${rng.int(5)}`;
  const stamp = `2023${String(1 + rng.int(12)).padStart(2, "0")}${String(10 + rng.int(18))}${String(100000 + rng.int(899999))}`;
  const hash = "abcdef012345";
  if (r < 0.15) return `v0.0.0-${stamp}-${hash}`;
  if (r < 0.25) return `${base}-0.${stamp}-${hash}`;
  if (r < 0.3) return `${base}-rc.1.0.${stamp}-${hash}`;
  if (r < 0.4) return `v${2 + rng.int(3)}.${rng.int(3)}.${rng.int(3)}+incompatible`;
  return "v" + semverVersion(rng);
}

const MAVEN_QUALIFIERS = [
  "alpha",
  "beta",
  "milestone",
  "rc",
  "cr",
  "snapshot",
  "SNAPSHOT",
  "ga",
  "final",
  "Final",
  "release",
  "RELEASE",
  "sp",
  "a",
  "b",
  "m",
  "foo",
  "jre",
  "android",
  "",
];

/** Maven versions as found on Maven Central, plus separator and case noise. */
export function mavenVersion(rng: Prng): string {
  if (rng.chance(0.1)) return noise(rng, "0123456789.-abmrs", 10);
  let v = dotted(rng, 1, 4);
  while (rng.chance(0.45)) {
    const q = rng.pick(MAVEN_QUALIFIERS);
    const sep = rng.pick(["-", ".", "", "-"]);
    v += sep + q + (rng.chance(0.5) ? rng.pick(["", "-", "."]) + rng.smallNumber() : "");
  }
  if (rng.chance(0.05)) v += `-2023${rng.int(10)}101.12${rng.int(10)}456-${rng.int(5)}`;
  return v;
}

/** RubyGems versions: numeric segments, letter pre-releases, "-" pre-releases. */
export function gemVersion(rng: Prng): string {
  if (rng.chance(0.08)) return noise(rng, "0123456789.-abrcpeA ", 8);
  let v = dotted(rng, 1, 4);
  if (rng.chance(0.35))
    v += rng.pick([".", ".", ""]) + rng.pick(["pre", "rc", "beta", "a", "alpha", "A", "b"]);
  if (rng.chance(0.3)) v += rng.pick([".", ""]) + rng.smallNumber();
  if (rng.chance(0.1)) v += "-" + rng.pick(["alpha", "1", "rc.1", "pre-2"]);
  if (rng.chance(0.15)) v += ".0".repeat(1 + rng.int(2));
  return v;
}

/** Packagist versions in the spellings Composer normalises, and a few branches. */
export function composerVersion(rng: Prng): string {
  if (rng.chance(0.05)) return rng.pick(["dev-main", "dev-master", "master", "dev-feature/x"]);
  if (rng.chance(0.05)) return noise(rng, "0123456789.-abdevRCpl", 8);
  if (rng.chance(0.05))
    return `2023${rng.pick(["", ".", "-"])}0${1 + rng.int(9)}${rng.pick(["", "."])}1${rng.int(10)}`;
  let v = (rng.chance(0.2) ? "v" : "") + dotted(rng, 1, 4);
  if (rng.chance(0.4)) {
    const stab = rng.pick(["alpha", "a", "beta", "b", "RC", "rc", "patch", "pl", "p", "stable"]);
    v +=
      rng.pick(["", "-", ".", "_"]) +
      stab +
      (rng.chance(0.7) ? rng.pick(["", ".", "-"]) + rng.smallNumber() : "");
  }
  if (rng.chance(0.15)) v += rng.pick(["-dev", ".dev", "dev", ".x-dev"]);
  if (rng.chance(0.05)) v += "+build.1";
  return v;
}
