import {
  matchInventory,
  type Inventory,
  type Package,
  type VulnDb,
  type VulnerabilityFinding,
} from "./deps.js";

type Source = Pick<VulnDb, "advisories" | "kev" | "epss" | "record" | "idsForAlias">;

function locationOf(pkg: Package): VulnerabilityFinding["location"] {
  const loc = pkg.locations[0];
  const layer = loc?.layerDigest ?? loc?.layerDiffId;
  return { path: loc?.path ?? "", ...(layer ? { layer } : {}) };
}

/**
 * Matches inventories against one database version, remembering each distinct package's
 * findings: a fleet's images share most packages (base images, common libraries), so a
 * re-match of many inventories matches each distinct package once. Go binaries (whose
 * standard-library subject depends on the binary) are always matched directly.
 */
export class PackageMatchCache {
  private readonly cache = new Map<string, VulnerabilityFinding[]>();

  constructor(private readonly db: Source) {}

  match(inventory: Pick<Inventory, "packages" | "os">): VulnerabilityFinding[] {
    const out: VulnerabilityFinding[] = [];
    const misses: Package[] = [];
    const direct: Package[] = [];
    for (const pkg of inventory.packages) {
      if (pkg.type === "golang" || pkg.metadata?.goVersion !== undefined) {
        direct.push(pkg);
        continue;
      }
      const hit = this.cache.get(this.key(pkg, inventory.os));
      if (hit) out.push(...hit.map((f) => ({ ...f, location: locationOf(pkg) })));
      else misses.push(pkg);
    }
    if (misses.length) {
      const found = matchInventory(
        { packages: misses, ...(inventory.os ? { os: inventory.os } : {}) },
        this.db,
      ).findings;
      for (const pkg of misses) {
        const loc = locationOf(pkg).path;
        const own = found.filter((f) => f.package.purl === pkg.purl && f.location.path === loc);
        this.cache.set(this.key(pkg, inventory.os), own);
        out.push(...own);
      }
    }
    if (direct.length)
      out.push(
        ...matchInventory({ packages: direct, ...(inventory.os ? { os: inventory.os } : {}) }, this.db)
          .findings,
      );
    return out;
  }

  private key(pkg: Package, os: Inventory["os"]): string {
    return [
      os?.family,
      os?.version,
      pkg.type,
      pkg.namespace,
      pkg.name,
      pkg.version,
      pkg.purl,
      pkg.source?.name,
      pkg.source?.version,
      pkg.arch,
    ].join("\u0000");
  }
}
