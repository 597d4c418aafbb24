// The whole path on real images: Debian images built by the shared fixture builder
// (mmdebstrap/umoci/skopeo), opened in every form, walked with the real catalogers,
// merged into an inventory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, type BuiltImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import { catalogers } from "../analyzer/registry.js";
import { openImage } from "../../../image/src/open.js";
import type { Image } from "../../../model/src/image.js";
import { walkImage } from "../walker/walk.js";
import { buildInventory } from "./build.js";
import type { Inventory } from "../../../model/src/package.js";

let cacheDir: string;
let deletes: BuiltImage;
let withGo: BuiltImage;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "bulwark-real-"));
  deletes = await buildImage(recipes.deletes);
  withGo = await buildImage(recipes.withGo);
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

async function inventoryOf(
  target: string,
  opts: { noCache?: boolean } = {},
): Promise<{ image: Image; inventory: Inventory; opens: number }> {
  const image = await openImage(target, { cacheDir });
  let opens = 0;
  for (const layer of image.layers) {
    const open = layer.open.bind(layer);
    layer.open = () => (opens++, open());
  }
  const layers = await walkImage(image, catalogers, { cacheDir, noCache: opts.noCache ?? true });
  await image.close();
  return { image, inventory: buildInventory(image, layers), opens };
}

const summary = (inv: Inventory) =>
  inv.packages
    .map((p) => `${p.purl} ${p.locations[0]?.layerDiffId?.slice(7, 19)} ${p.locations[0]?.createdBy}`)
    .sort();

describe("inventory of real Debian images", () => {
  it("attributes dpkg packages to the layer that installed them and drops purged ones", async () => {
    const { inventory } = await inventoryOf(deletes.ociRef);
    expect(inventory.os).toMatchObject({ family: "debian", version: "12" });
    const byName = new Map(inventory.packages.filter((p) => p.type === "deb").map((p) => [p.name, p]));
    expect(byName.has("curl")).toBe(false); // purged in layer 4
    expect(byName.get("jq")?.locations[0]?.createdBy).toMatch(/apt-get install .*jq/);
    expect(byName.get("libcurl4")?.locations[0]?.createdBy).toMatch(/apt-get install .*curl/);
    expect(byName.get("bash")?.locations[0]?.createdBy).toMatch(/^mmdebstrap/);
    expect(byName.get("dpkg")?.purl).toMatch(/^pkg:deb\/debian\/dpkg@[^?]+\?arch=amd64&distro=debian-12$/);
    const layerIds = inventory.layers.map((l) => l.diffId);
    for (const p of byName.values()) expect(layerIds.slice(0, 2)).toContain(p.locations[0]?.layerDiffId);
  });

  it("gives the same packages, layers and attribution from oci, oci-archive and docker-archive", async () => {
    const fromLayout = summary((await inventoryOf(deletes.ociRef)).inventory);
    expect(fromLayout.length).toBeGreaterThan(90);
    expect(summary((await inventoryOf(`oci-archive:${await deletes.ociArchive()}`)).inventory)).toEqual(
      fromLayout,
    );
    expect(summary((await inventoryOf(`docker-archive:${await deletes.dockerArchive()}`)).inventory)).toEqual(
      fromLayout,
    );
  });

  it("re-scans from the layer cache without opening a layer, with the same inventory", async () => {
    const first = await inventoryOf(deletes.ociRef, { noCache: false });
    expect(first.opens).toBe(first.image.layers.length);
    const second = await inventoryOf(deletes.ociRef, { noCache: false });
    expect(second.opens).toBe(0);
    expect(second.inventory).toEqual(first.inventory);
  });

  // trivy-cdxgen rootfs skips dpkg-owned Go binaries too. The recipe's last layer copies
  // `age` to /usr/local/bin, outside dpkg: that copy is a Go binary of its own.
  // A warm walk answers from the layer cache, whose owned-file lists are asked without being
  // parsed (cache/owned-lists.ts): the same packages must come out.
  it.each(["walked", "cached"])(
    "reports Go programs installed by dpkg once, as the Debian packages (%s layers)",
    async (how) => {
      const image = await openImage(withGo.ociRef, { cacheDir });
      const walk = () => walkImage(image, catalogers, { cacheDir, noCache: how === "walked" });
      if (how === "cached") await walk();
      const layers = await walk();
      if (how === "cached")
        expect(layers.flatMap((l) => l.results).some((r) => r.output.ownedFiles?.has)).toBe(true);
      const goFiles = layers.flatMap((l) =>
        l.results.filter((r) => r.output.packages?.some((p) => p.type === "golang")).map((r) => r.path),
      );
      expect(goFiles).toEqual(expect.arrayContaining(["/usr/bin/age", "/usr/bin/fzf", "/usr/bin/shfmt"]));
      const inventory = buildInventory(image, layers);
      const goPaths = inventory.packages.filter((p) => p.type === "golang").flatMap((p) => p.locations);
      expect(new Set(goPaths.map((l) => l.path))).toEqual(new Set(["/usr/local/bin/age"]));
      expect(
        inventory.packages.filter((p) => ["age", "fzf", "shfmt"].includes(p.name)).map((p) => p.type),
      ).toEqual(["deb", "deb", "deb"]);
    },
  );
});
