/**
 * Package names as the database indexes them. Lookups and imports both go through
 * `normalizePackageName`, so a scanner may pass the name as it found it on disk.
 */

/** The part of an OSV ecosystem string before the first ':' ("Debian:12" → "Debian"). */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(":");
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * PyPI: PEP 503 (lower case, runs of `-`, `_`, `.` become one `-`), because pip and
 * the index treat those spellings as one project. NuGet and Packagist ids are
 * case-insensitive in their registries. Every other ecosystem (npm, Go, Maven,
 * crates.io, RubyGems, OS packages) is compared exactly as written.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  switch (ecosystemBase(ecosystem)) {
    case "PyPI":
      return name.toLowerCase().replace(/[-_.]+/g, "-");
    case "NuGet":
    case "Packagist":
      return name.toLowerCase();
    default:
      return name;
  }
}
