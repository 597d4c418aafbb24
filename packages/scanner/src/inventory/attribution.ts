import type { LayerAnalysis, Placed, Package } from "@bulwark/model";
import type { LayerStack } from "./layers.js";

export function packageKey(p: Pick<Package, "type" | "namespace" | "name" | "version" | "arch">): string {
  return [p.type, p.namespace ?? "", p.name, p.version, p.arch ?? ""].join("\u0000");
}

/**
 * Which layer introduced a package. Shared databases (dpkg status, apk installed, rpmdb)
 * are rewritten by every layer that installs anything, so the last version of the file
 * is not the answer: walk down through earlier versions of the same file while each still
 * lists the same package (name, version, arch). The earliest such version introduced it.
 */
export class Attribution {
  /** layer \0 analyzer \0 path -> package keys in that version of the file. */
  private readonly contents = new Map<string, Set<string>>();

  constructor(
    layers: LayerAnalysis[],
    private readonly stack: LayerStack,
  ) {
    layers.forEach((l, i) => {
      for (const r of l.results) {
        const id = `${i}\u0000${r.analyzer}\u0000${r.path}`;
        let keys = this.contents.get(id);
        if (!keys) this.contents.set(id, (keys = new Set()));
        for (const p of r.output.packages ?? []) keys.add(packageKey(p));
      }
    });
  }

  introducedIn(placed: Placed, pkg: Package): number {
    const key = packageKey(pkg);
    let intro = placed.layer;
    for (let k = placed.layer - 1; k >= 0; k--) {
      // Deleted in the layer above k: nothing from k or below carried over.
      if (this.stack.deletes(k + 1, placed.path)) break;
      if (!this.stack.adds(k, placed.path)) continue;
      if (!this.contents.get(`${k}\u0000${placed.analyzer}\u0000${placed.path}`)?.has(key)) break;
      intro = k;
    }
    return intro;
  }
}
