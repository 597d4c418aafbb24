/**
 * A version ordering for one versioning scheme.
 *
 * `compare` is a total order and never throws, even on strings that `valid`
 * rejects: vulnerability data and package databases contain garbage, and one
 * bad string must not abort a scan. Each scheme documents where invalid
 * strings sort (see docs/versions.md).
 */
export interface Comparator {
  scheme: string;
  /** <0 when a sorts before b, 0 when they are equal versions, >0 otherwise. */
  compare(a: string, b: string): number;
  /** True when `v` is a well-formed version of this scheme. */
  valid(v: string): boolean;
}

export type SchemeName =
  "deb" | "apk" | "rpm" | "semver" | "pep440" | "go" | "maven" | "gem" | "nuget" | "cargo" | "composer";
