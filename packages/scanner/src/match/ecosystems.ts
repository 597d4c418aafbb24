import type { OsInfo, Package } from "@bulwark/model";
import { normalizePackageName } from "@bulwark/vulndb";

/** What to look up in the vulnerability database for one package. */
export interface OsvQuery {
  /** OSV ecosystem, e.g. "Debian:12", "Alpine:v3.19", "npm", "Go". */
  ecosystem: string;
  /** Name as the ecosystem's advisories spell it (Debian: the source package). */
  name: string;
  /** Version compared against the advisory ranges (Debian: the source version). */
  version: string;
}

/** PEP 503 normalisation: advisories and installed metadata spell names differently. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** "12.5" → "12"; "" → undefined. */
function majorOf(version: string): string | undefined {
  const m = /^(\d+)/.exec(version);
  return m?.[1];
}

/** Ubuntu's LTS releases are the even years' April releases (22.04, 24.04). */
function ubuntuEcosystem(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  const year = Number(m[1]);
  const lts = year % 2 === 0 && m[2] === "04";
  return `Ubuntu:${m[1]}.${m[2]}${lts ? ":LTS" : ""}`;
}

/**
 * The OSV ecosystem of an OS package, from os-release. Undefined when the distro
 * or its release is unknown: guessing a release would report another release's fixes.
 */
export function osEcosystem(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  const family = os.family.toLowerCase();
  const major = majorOf(os.version);
  switch (family) {
    case "debian":
      return major ? `Debian:${major}` : undefined;
    case "ubuntu":
      return ubuntuEcosystem(os.version);
    case "alpine": {
      const m = /^(\d+)\.(\d+)/.exec(os.version);
      return m ? `Alpine:v${m[1]}.${m[2]}` : undefined;
    }
    case "rhel":
      return major ? `Red Hat:${major}` : undefined;
    case "rocky":
      return major ? `Rocky Linux:${major}` : undefined;
    case "almalinux":
      return major ? `AlmaLinux:${major}` : undefined;
    case "wolfi":
      return "Wolfi";
    case "chainguard":
      return "Chainguard";
    default:
      return undefined;
  }
}

/** OSV ecosystems of language package types (the purl type is the key). */
const LANGUAGE_ECOSYSTEMS: Partial<Record<Package["type"], string>> = {
  npm: "npm",
  pypi: "PyPI",
  golang: "Go",
  maven: "Maven",
  cargo: "crates.io",
  gem: "RubyGems",
  composer: "Packagist",
  nuget: "NuGet",
};

/**
 * Ecosystems whose advisories name the source package (Debian, Ubuntu, the apk origin of
 * Alpine and Wolfi/Chainguard: wolfi-dev/advisories has one file per origin package, so
 * `libcrypto3` is covered by the `openssl` advisories).
 */
const SOURCE_KEYED = new Set(["Debian", "Ubuntu", "Alpine", "Wolfi", "Chainguard"]);

function ecosystemBase(ecosystem: string): string {
  return ecosystem.split(":")[0] ?? ecosystem;
}

function osQuery(pkg: Package, os: OsInfo | undefined): OsvQuery | undefined {
  const ecosystem = osEcosystem(os);
  if (!ecosystem) return undefined;
  if (SOURCE_KEYED.has(ecosystemBase(ecosystem)) && pkg.source?.name) {
    return { ecosystem, name: pkg.source.name, version: pkg.source.version || pkg.version };
  }
  return { ecosystem, name: pkg.name, version: pkg.version };
}

function languageName(pkg: Package): string {
  switch (pkg.type) {
    case "pypi":
      return normalizePypiName(pkg.name);
    case "maven":
      return pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name;
    case "composer":
      return pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name;
    default:
      return pkg.name;
  }
}

/**
 * Go toolchain versions as OSV's Go ecosystem writes them: "go1.17.2" (or "1.17.2") → "1.17.2",
 * "go1.20 X:boringcrypto" → "1.20.0", "go1.21rc2" → "1.21.0-rc.2". Undefined for devel builds.
 */
export function goToolchainVersion(goVersion: string): string | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?(?:\s|$)/.exec(goVersion.trim());
  if (!m) return undefined;
  const core = `${m[1]}.${m[2]}.${m[3] ?? "0"}`;
  return m[4] ? `${core}-${m[4]}.${m[5]}` : core;
}

/** Go module versions carry a "v" in inventories; OSV's Go ranges do not. */
function goModuleVersion(version: string): string | undefined {
  if (!version || version === "(devel)") return undefined;
  return version.replace(/^v/, "");
}

/** The database query for a package, or undefined when it cannot be matched (unknown OS, devel build). */
export function osvQueryFor(pkg: Package, os: OsInfo | undefined): OsvQuery | undefined {
  if (pkg.type === "deb" || pkg.type === "apk" || pkg.type === "rpm") return osQuery(pkg, os);
  const ecosystem = LANGUAGE_ECOSYSTEMS[pkg.type];
  if (!ecosystem) return undefined;
  if (pkg.type === "golang") {
    const version = goModuleVersion(pkg.version);
    if (pkg.name === "stdlib") {
      const v = goToolchainVersion(pkg.version);
      return v ? { ecosystem, name: "stdlib", version: v } : undefined;
    }
    return version ? { ecosystem, name: pkg.name, version } : undefined;
  }
  return { ecosystem, name: languageName(pkg), version: pkg.version };
}

/**
 * The Go standard library compiled into a binary, as a query of its own: OSV files
 * toolchain advisories under the package "stdlib". Read from the goVersion metadata
 * the Go binary cataloger records on each module of the binary.
 */
export function goStdlibQuery(pkg: Package): OsvQuery | undefined {
  if (pkg.type !== "golang") return undefined;
  const goVersion = pkg.metadata?.goVersion;
  if (typeof goVersion !== "string") return undefined;
  const version = goToolchainVersion(goVersion);
  return version ? { ecosystem: "Go", name: "stdlib", version } : undefined;
}

/** Whether an advisory's `affected[].package` is about this query (PyPI names compared normalised). */
export function sameOsvPackage(
  affected: { ecosystem: string; name: string } | undefined,
  query: OsvQuery,
): boolean {
  if (!affected) return false;
  if (affected.ecosystem !== query.ecosystem) return false;
  return (
    normalizePackageName(affected.ecosystem, affected.name) ===
    normalizePackageName(query.ecosystem, query.name)
  );
}
