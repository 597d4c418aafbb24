import type {
  Image,
  LayerAnalysis,
  Placed,
  Inventory,
  LayerInfo,
  Location,
  OsInfo,
  OwnedFiles,
  Package,
} from "@bulwark/model";
import { Attribution } from "./attribution.js";
import { LayerStack } from "./layers.js";
import { isOsPackage, purlOrIssue, type PurlIssue } from "./purl.js";
import {
  lockfileIssues,
  mergeLockfilePackages,
  type LockfileOptions,
} from "../analyzer/lockfile/inventory.js";
import { followIncludes } from "../analyzer/lockfile/includes.js";

// Several files describe the OS; prefer the canonical one when more than one survives.
const OS_FILE_RANK = ["/etc/os-release", "/usr/lib/os-release"];

function osRank(path: string): number {
  const i = OS_FILE_RANK.indexOf(path);
  return i < 0 ? OS_FILE_RANK.length : i;
}

function chooseOs(survivors: Placed[]): OsInfo | undefined {
  const candidates = survivors.filter((s) => s.output.os);
  candidates.sort((a, b) => osRank(a.path) - osRank(b.path) || b.layer - a.layer);
  return candidates[0]?.output.os;
}

// On merged-/usr systems dpkg lists "/bin/x" while the layer tar holds "/usr/bin/x".
const MERGED_DIRS = /^\/(bin|sbin|lib|lib32|lib64|libx32)\//;

/** `path` and, for `/usr/bin/x` on a merged-/usr system, the `/bin/x` dpkg may list instead. */
function ownerNames(path: string): string[] {
  const unmerged = path.startsWith("/usr/") ? path.slice(4) : undefined;
  return unmerged !== undefined && MERGED_DIRS.test(unmerged) ? [path, unmerged] : [path];
}

/**
 * Which of `paths` some OS package lists as its file. The lists hold tens of thousands of
 * files on a full image and the questions are few, so the lists are scanned once against the
 * questions instead of being copied into a set; a list that can answer without being read
 * (a cached layer's) is asked instead.
 */
function ownedAmong(survivors: Placed[], paths: Iterable<string>): Set<string> {
  const asked = new Map<string, string>();
  for (const path of paths) for (const name of ownerNames(path)) asked.set(name, path);
  const owned = new Set<string>();
  if (asked.size === 0) return owned;
  const names = [...asked.keys()];
  const scan = (list: OwnedFiles) => {
    if (list.has) {
      // An indexed loop: iterating the map's entries anew for each of ~200 lists took longer
      // than the lookups themselves while this code is cold, as it is in a one-image run.
      for (let i = 0; i < names.length; i++) if (list.has(names[i]!)) owned.add(asked.get(names[i]!)!);
      return;
    }
    for (const f of list.files) {
      const path = asked.get(f);
      if (path !== undefined) owned.add(path);
    }
  };
  for (const s of survivors) {
    if (s.output.ownedFiles) scan(s.output.ownedFiles);
    for (const set of s.output.ownedFileSets ?? []) scan(set);
  }
  return owned;
}

/**
 * OS package databases carry no licenses; the dpkg cataloger reads them from
 * /usr/share/doc/<pkg>/copyright and reports them as facts, joined here by package name.
 */
function licenseFacts(survivors: Placed[]): Map<string, string[]> {
  const byPackage = new Map<string, string[]>();
  for (const fact of survivors.flatMap((s) => s.output.licenses ?? []))
    byPackage.set(`${fact.type}/${fact.package}`, fact.licenses);
  return byPackage;
}

function withLicenses(pkg: Package, licenses: Map<string, string[]>): Package {
  if (pkg.licenses.length) return pkg;
  const found = licenses.get(`${pkg.type}/${pkg.name}`);
  return found ? { ...pkg, licenses: found } : pkg;
}

function layerInfo(layer: LayerAnalysis | undefined): Omit<Location, "path"> {
  const info: Omit<Location, "path"> = {};
  if (layer?.digest) info.layerDigest = layer.digest;
  if (layer?.diffId) info.layerDiffId = layer.diffId;
  if (layer?.createdBy !== undefined) info.createdBy = layer.createdBy;
  return info;
}

function place(pkg: Package, path: string, layer: LayerAnalysis | undefined): Package {
  const info = layerInfo(layer);
  const locations = pkg.locations?.length ? pkg.locations : [{ path }];
  return { ...pkg, locations: locations.map((l) => ({ ...info, ...l, path: l.path || path })) };
}

function layerInfos(image: Image, layers: LayerAnalysis[]): LayerInfo[] {
  return layers
    .filter(() => !image.rootDir)
    .map((l) => {
      const info: LayerInfo = {};
      if (l.digest) info.digest = l.digest;
      if (l.diffId) info.diffId = l.diffId;
      if (l.createdBy !== undefined) info.createdBy = l.createdBy;
      const size = image.layers[l.index]?.size;
      if (size !== undefined) info.size = size;
      return info;
    });
}

/**
 * Merge per-layer analyzer results into the image's inventory: the final filesystem
 * only, each package attributed to the layer that introduced it, language packages that
 * an OS package owns reported once (as the OS package), purls filled in.
 */
export function buildInventory(image: Image, layers: LayerAnalysis[], opts: LockfileOptions = {}): Inventory {
  const stack = new LayerStack(layers);
  const walked = stack.survivors();
  // Requirements files' `-r` includes, resolved against the tree now that it is known.
  const includes = followIncludes(image.rootDir, walked);
  const survivors = [...walked, ...includes.placed];
  const attribution = new Attribution(layers, stack);
  const os = chooseOs(survivors);
  const licenses = licenseFacts(survivors);
  const placed = survivors.flatMap((s) =>
    (s.output.packages ?? []).map((pkg) => place(pkg, s.path, layers[attribution.introducedIn(s, pkg)])),
  );
  const languagePaths = placed.filter((p) => !isOsPackage(p)).flatMap((p) => p.locations.map((l) => l.path));
  const owned = ownedAmong(survivors, languagePaths);
  const packages: Package[] = [];
  const purlIssues: PurlIssue[] = [];
  for (const pkg of placed) {
    if (!isOsPackage(pkg) && pkg.locations.some((l) => owned.has(l.path))) continue;
    const { purl, issue } = purlOrIssue(pkg, os);
    if (issue) purlIssues.push(issue);
    packages.push({ ...withLicenses(pkg, licenses), purl });
  }
  const inventory: Inventory = {
    target: image.name,
    source: image.source,
    layers: layerInfos(image, layers),
    packages: mergeLockfilePackages(packages, opts),
    issues: [
      ...layers.flatMap((l) => l.issues.map((i) => ({ ...i }))),
      ...purlIssues,
      ...lockfileIssues(survivors, includes.followed),
    ],
  };
  if (!image.rootDir) {
    inventory.image = {
      digest: image.digest,
      configDigest: image.configDigest,
      repoTags: image.repoTags,
      repoDigests: image.repoDigests,
      architecture: image.config.architecture,
      os: image.config.os,
    };
  }
  if (os) inventory.os = os;
  return inventory;
}
