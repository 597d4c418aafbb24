import { PackageURL } from "packageurl-js";
import type { OsInfo, Package } from "@bulwark/model";

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

export function isOsPackage(pkg: Pick<Package, "type">): boolean {
  return OS_TYPES.has(pkg.type);
}

/** "github.com/foo/bar" → ["github.com/foo", "bar"]; "@scope/x" → ["@scope", "x"]. */
function splitLast(name: string): [string | undefined, string] {
  const slash = name.lastIndexOf("/");
  return slash < 0 ? [undefined, name] : [name.slice(0, slash), name.slice(slash + 1)];
}

function osQualifiers(pkg: Package, os: OsInfo | undefined): Record<string, string> {
  const q: Record<string, string> = {};
  if (pkg.arch) q.arch = pkg.arch;
  if (os?.family) q.distro = os.version ? `${os.family}-${os.version}` : os.family;
  return q;
}

function coordinates(
  pkg: Package,
  os: OsInfo | undefined,
): {
  namespace: string | undefined;
  name: string;
  version: string;
  qualifiers: Record<string, string> | undefined;
} {
  const plain = { namespace: pkg.namespace, name: pkg.name, version: pkg.version, qualifiers: undefined };
  switch (pkg.type) {
    case "deb":
      // Debian versions keep their epoch ("1:2.38-1"), as dpkg writes them.
      return {
        namespace: os?.family ?? "debian",
        name: pkg.name,
        version: pkg.version,
        qualifiers: osQualifiers(pkg, os),
      };
    case "apk":
      return {
        namespace: os?.family ?? "alpine",
        name: pkg.name,
        version: pkg.version,
        qualifiers: osQualifiers(pkg, os),
      };
    case "rpm": {
      // The purl spec puts an rpm epoch in the `epoch` qualifier, not the version.
      const m = /^(\d+):(.+)$/.exec(pkg.version);
      const qualifiers = osQualifiers(pkg, os);
      const epoch = m?.[1] ?? (pkg.metadata?.epoch !== undefined ? String(pkg.metadata.epoch) : undefined);
      if (epoch && epoch !== "0") qualifiers.epoch = epoch;
      return { namespace: os?.family, name: pkg.name, version: m?.[2] ?? pkg.version, qualifiers };
    }
    case "npm":
    case "golang":
    case "composer": {
      if (pkg.namespace) return plain;
      const [namespace, name] = splitLast(pkg.name);
      return { ...plain, namespace, name };
    }
    default:
      return plain;
  }
}

/** The package URL of a package (packageurl-js applies the per-type rules, e.g. pypi name normalising). */
export function purlFor(pkg: Package, os?: OsInfo): string {
  const c = coordinates(pkg, os);
  const qualifiers = c.qualifiers && Object.keys(c.qualifiers).length > 0 ? c.qualifiers : undefined;
  return new PackageURL(
    pkg.type,
    c.namespace,
    c.name,
    c.version || undefined,
    qualifiers,
    undefined,
  ).toString();
}

/** A package whose coordinates cannot make a valid purl, recorded rather than fatal. */
export interface PurlIssue {
  path: string;
  code: "purl-incomplete";
  message: string;
}

/**
 * The purl of a package, or — when its coordinates cannot make one (a maven jar with
 * no groupId, say) — an empty purl and an issue naming the package. One odd package
 * must never abort a scan; it stays in the inventory under the identity it has.
 */
export function purlOrIssue(pkg: Package, os?: OsInfo): { purl: string; issue?: PurlIssue } {
  try {
    return { purl: purlFor(pkg, os) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const id = `${pkg.type}/${pkg.namespace ? `${pkg.namespace}/` : ""}${pkg.name}@${pkg.version}`;
    return {
      purl: "",
      issue: {
        path: pkg.locations[0]?.path ?? "",
        code: "purl-incomplete",
        message: `${id}: no package URL (${reason}); recorded without one, not matched against advisories`,
      },
    };
  }
}
