/** Package types, named as packageurl types so purls and OSV ecosystems map one to one. */
export type PackageType =
  "deb" | "apk" | "rpm" | "npm" | "pypi" | "golang" | "maven" | "gem" | "composer" | "nuget" | "cargo";

/** Where a package was found: the file that declares it and the layer that put it there. */
export interface Location {
  /** Absolute path inside the image, e.g. "/var/lib/dpkg/status". */
  path: string;
  /** 1-based line of the entry, for packages read from a lockfile or manifest. */
  line?: number;
  /** Compressed blob digest of the layer (absent for rootfs targets). */
  layerDigest?: string;
  /** Uncompressed diffID of the layer. */
  layerDiffId?: string;
  /** History `created_by` line of the layer. */
  createdBy?: string;
}

export interface Package {
  type: PackageType;
  /** Namespace part of the purl when the type has one (maven groupId); npm scopes stay in `name`. */
  namespace?: string;
  /** npm: "@scope/name"; golang: the full module path; maven: artifactId. */
  name: string;
  version: string;
  /** Filled by the inventory once the OS is known (deb/apk/rpm purls carry distro qualifiers). */
  purl: string;
  licenses: string[];
  /** OS packages: the source package it was built from (vulnerability data is keyed by it on Debian). */
  source?: { name: string; version: string };
  /** Architecture for OS packages ("amd64", "x86_64"). */
  arch?: string;
  locations: Location[];
  /** Type-specific facts worth keeping (e.g. goVersion, mainModule, dependency of). */
  metadata?: Record<string, string | number | boolean>;
}

export interface OsInfo {
  /** os-release ID: debian, ubuntu, alpine, rhel, rocky, almalinux, wolfi, chainguard, … */
  family: string;
  name: string;
  /** os-release VERSION_ID (e.g. "12", "3.19.1", "9.3"); may be empty for rolling distros. */
  version: string;
  codename?: string;
  prettyName?: string;
}

export interface LayerInfo {
  digest?: string;
  diffId?: string;
  createdBy?: string;
  size?: number;
}

/** The complete, de-duplicated inventory of one target. */
export interface Inventory {
  target: string;
  source: string;
  image?: {
    digest?: string;
    configDigest?: string;
    repoTags: string[];
    repoDigests: string[];
    architecture?: string;
    os?: string;
  };
  os?: OsInfo;
  layers: LayerInfo[];
  packages: Package[];
  /** Files that could not be parsed; recorded, never fatal. */
  issues: Array<{ path: string; code: string; message: string; layer?: string }>;
}
