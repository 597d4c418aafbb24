/**
 * Version comparators, one per versioning scheme, and the mapping from OSV
 * ecosystem names to schemes. The registry is an explicit list: adding a
 * scheme means adding its file and one line here.
 */
import { apkComparator } from "./apk.js";
import { cargoComparator } from "./cargo.js";
import { composerComparator } from "./composer.js";
import { dpkgComparator } from "./dpkg.js";
import { gemComparator } from "./gem.js";
import { goComparator } from "./go.js";
import { mavenComparator } from "./maven.js";
import { nugetComparator } from "./nuget.js";
import { pep440Comparator } from "./pep440.js";
import { rpmComparator } from "./rpm.js";
import { semverComparator } from "./semver.js";
import type { Comparator, SchemeName } from "./types.js";

export type { Comparator, SchemeName } from "./types.js";
export { goToolchainToSemver } from "./go.js";

/** The explicit list of comparators; each names its scheme. */
export const comparators: readonly Comparator[] = [
  dpkgComparator,
  apkComparator,
  rpmComparator,
  semverComparator,
  pep440Comparator,
  goComparator,
  mavenComparator,
  gemComparator,
  nugetComparator,
  cargoComparator,
  composerComparator,
];

const SCHEMES = new Map(comparators.map((c) => [c.scheme, c]));

/**
 * OSV ecosystem (the part before the first ":", so "Debian:12" → "Debian") →
 * scheme. Matched case-insensitively because feeds are not consistent.
 */
const ECOSYSTEMS: Record<string, SchemeName> = {
  debian: "deb",
  ubuntu: "deb",
  alpine: "apk",
  wolfi: "apk",
  chainguard: "apk",
  "red hat": "rpm",
  "rocky linux": "rpm",
  almalinux: "rpm",
  opensuse: "rpm",
  suse: "rpm",
  "photon os": "rpm",
  mageia: "rpm",
  openeuler: "rpm",
  npm: "semver",
  pypi: "pep440",
  go: "go",
  maven: "maven",
  "crates.io": "cargo",
  rubygems: "gem",
  packagist: "composer",
  nuget: "nuget",
};

export function comparatorForScheme(scheme: SchemeName): Comparator {
  return SCHEMES.get(scheme)!;
}

/** The comparator for an OSV ecosystem name, with or without a release suffix; undefined when unknown. */
export function comparatorForEcosystem(ecosystem: string): Comparator | undefined {
  const base = ecosystem.split(":")[0]?.trim().toLowerCase() ?? "";
  const scheme = ECOSYSTEMS[base];
  return scheme ? SCHEMES.get(scheme) : undefined;
}

/** Every scheme, for tools that list or test them all. */
export function allSchemes(): SchemeName[] {
  return comparators.map((c) => c.scheme as SchemeName);
}
