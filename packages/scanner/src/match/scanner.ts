import type { VulnerabilityFinding, Inventory, ScanOptions, ScanResult, Scanner } from "@bulwark/model";
import { ecosystemBase, dbAgeWarning, openVulnDb } from "@bulwark/vulndb";
import { matchInventory } from "./matcher.js";
import { osLanguageShare } from "./share.js";

/** Fails early (DB_MISSING / DB_CORRUPT) before any image is read, when vuln scanning is asked for. */
export function checkVulnDb(cacheDir: string): void {
  openVulnDb(cacheDir).close();
}

/**
 * Ecosystems the inventory needs but the database has no advisories for: their
 * packages were not checked, which must not read as "no vulnerabilities".
 */
export function missingEcosystems(
  needed: Record<string, number>,
  imported: Record<string, number>,
): string[] {
  const have = new Set(
    Object.entries(imported)
      .filter(([, n]) => n > 0)
      .map(([eco]) => ecosystemBase(eco)),
  );
  return Object.entries(needed)
    .filter(([eco]) => !have.has(ecosystemBase(eco)))
    .map(
      ([eco, n]) =>
        `the vulnerability database has no ${ecosystemBase(eco)} advisories: ${n} ${eco} package(s) were not checked (bulwark db update --ecosystems ${JSON.stringify(ecosystemBase(eco))})`,
    );
}

/**
 * Distribution releases the database has no advisories for although it has the
 * distribution: a release the feed stopped covering (end of life) or one newer than the
 * data. Zero findings there means "not checked", so it is said.
 */
export function uncoveredReleases(
  needed: Record<string, number>,
  imported: Record<string, number>,
  hasEcosystem: (ecosystem: string) => boolean,
): string[] {
  return Object.entries(needed)
    .filter(([eco]) => eco.includes(":") && (imported[ecosystemBase(eco)] ?? 0) > 0 && !hasEcosystem(eco))
    .map(
      ([eco, n]) =>
        `the vulnerability database has no ${eco} advisories (the feed does not cover this release: end of life, or newer than the data): ${n} package(s) were not checked`,
    );
}

/** Matches an inventory against the database in the cache dir. */
export function scanInventory(
  inventory: Pick<Inventory, "packages" | "os">,
  options: ScanOptions,
): ScanResult {
  const db = openVulnDb(options.cacheDir);
  try {
    const status = db.status();
    const age = dbAgeWarning(status);
    const started = performance.now();
    const result = matchInventory(inventory, db);
    const missing = [
      ...missingEcosystems(result.stats.byEcosystem, status.ecosystems),
      ...uncoveredReleases(result.stats.byEcosystem, status.ecosystems, (e) => db.hasEcosystem(e)),
    ];
    options.progress?.(
      `matched ${result.stats.queries} packages in ${Math.round(performance.now() - started)} ms: ${result.findings.length} vulnerabilities`,
    );
    const findings: VulnerabilityFinding[] = result.findings;
    return {
      findings,
      warnings: [...(age ? [age] : []), ...missing, ...result.warnings],
      summary: {
        vulnerabilities: {
          packages: result.stats.packages,
          fixable: findings.filter((f) => f.fixedVersion !== null).length,
          kev: findings.filter((f) => f.kev).length,
          ...(result.stats.invalidVersions ? { invalidVersions: result.stats.invalidVersions } : {}),
        },
      },
      // After ignore files and VEX (not --severity/--ignore-unfixed): what the funnel starts from.
      finalSummary: (final) => ({ share: osLanguageShare(final.findings) }),
    };
  } finally {
    db.close();
  }
}

/**
 * Vulnerabilities of the packages an image contains. A directory tree is walked as a root
 * filesystem by the pipeline (no scanPath), with the same catalogers as an image.
 */
export const vulnScanner: Scanner = {
  name: "vuln",
  label: "vulnerability",
  preflight: (options) => checkVulnDb(options.cacheDir),
  async scanImage(input, options) {
    return scanInventory(input.inventory, options);
  },
};
