import type { Inventory, Location, Package } from "@bulwark/model";

/** Stable order for every writer: type, name, version, then purl. */
export function sortedPackages(inv: Inventory): Package[] {
  return [...inv.packages].sort(
    (a, b) =>
      a.type.localeCompare(b.type) ||
      a.name.localeCompare(b.name) ||
      a.version.localeCompare(b.version) ||
      a.purl.localeCompare(b.purl),
  );
}

/** The layer a location names: its blob digest, else its diffID. */
export function locationLayer(loc: Location): string | undefined {
  return loc.layerDigest ?? loc.layerDiffId;
}

/** The image's display name: its first repo tag, else the target as typed. */
export function imageName(inv: Inventory): string {
  return inv.image?.repoTags[0] ?? inv.target;
}

/**
 * Flat name/value pairs describing the image (digest, OS, layers), shared by the
 * CycloneDX metadata properties and the SPDX image package annotations.
 */
export function imageProperties(inv: Inventory): Array<[string, string]> {
  const props: Array<[string, string]> = [
    ["bulwark:target", inv.target],
    ["bulwark:source", inv.source],
  ];
  const img = inv.image;
  if (img?.digest) props.push(["bulwark:image:digest", img.digest]);
  if (img?.configDigest) props.push(["bulwark:image:configDigest", img.configDigest]);
  for (const tag of img?.repoTags ?? []) props.push(["bulwark:image:repoTag", tag]);
  for (const d of img?.repoDigests ?? []) props.push(["bulwark:image:repoDigest", d]);
  if (img?.os) props.push(["bulwark:image:os", img.os]);
  if (img?.architecture) props.push(["bulwark:image:architecture", img.architecture]);
  if (inv.os) {
    props.push(["bulwark:os:family", inv.os.family], ["bulwark:os:name", inv.os.name]);
    props.push(["bulwark:os:version", inv.os.version]);
  }
  inv.layers.forEach((layer, i) => {
    if (layer.digest) props.push([`bulwark:layer:${i}:digest`, layer.digest]);
    if (layer.diffId) props.push([`bulwark:layer:${i}:diffId`, layer.diffId]);
    if (layer.createdBy) props.push([`bulwark:layer:${i}:createdBy`, layer.createdBy]);
  });
  return props;
}

/** Per-package facts as name/value pairs (locations, source package, metadata). */
export function packageProperties(pkg: Package): Array<[string, string]> {
  const props: Array<[string, string]> = [["bulwark:package:type", pkg.type]];
  for (const loc of pkg.locations) {
    props.push(["bulwark:location:path", loc.path]);
    const layer = locationLayer(loc);
    if (layer) props.push(["bulwark:location:layer", layer]);
  }
  if (pkg.source)
    props.push(["bulwark:source:name", pkg.source.name], ["bulwark:source:version", pkg.source.version]);
  for (const [k, v] of Object.entries(pkg.metadata ?? {})) props.push([`bulwark:metadata:${k}`, String(v)]);
  return props;
}
