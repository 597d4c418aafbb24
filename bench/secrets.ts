/**
 * `npm run bench -- secrets [DIR…]`: secret scanning of large real trees, in one run:
 * - findings per 100 MB before (the scanner at BEFORE_COMMIT, extracted from git) and after;
 * - MB/s of a plain read of the same files, of Bulwark on one thread and on two worker
 *   threads, and of secretlint with its recommended preset (the npm-native alternative);
 * - whether the two-thread findings are identical to the one-thread findings.
 * Default trees: a Python environment with botocore (Debian python3-botocore) and this
 * repository's node_modules. CPU time is the one-core figure (a shared machine's wall clock
 * measures the neighbours too); the two-thread figure is wall time.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { buildContext } from "../packages/scanner/src/secret/config.js";
import { ParallelTreeScanner } from "../packages/scanner/src/secret/parallel.js";
import { fingerprint } from "../packages/scanner/src/secret/redact.js";
import { builtinRules } from "../packages/scanner/src/secret/rules/index.js";
import { scanTree, type TreeScan } from "../packages/scanner/src/secret/tree.js";
import { walkTree, type WalkedFile } from "../packages/scanner/src/secret/walk.js";

/** The scanner before issue 18 (rules, false-alarm filters), for the before/after figures. */
const BEFORE_COMMIT = "b6de521";
const FP_GOAL_PER_100MB = 5;
const READ_SHARE_GOAL = 0.25;
const WALK = { includeNoise: true, maxFileBytes: 256 * 1024 * 1024, maxDepth: 128 };

type ScanFn = (root: string) => Promise<TreeScan>;

function defaultTrees(): string[] {
  const trees = ["/usr/lib/python3/dist-packages", resolve("node_modules")];
  if (!existsSync(join(trees[0]!, "botocore")))
    console.log("note: python3-botocore is not installed (apt-get install python3-botocore)");
  return trees.filter((t) => existsSync(t));
}

/** The src/ tree at BEFORE_COMMIT, extracted once into the test cache, with our node_modules. */
async function beforeScanner(): Promise<ScanFn> {
  const dir = join(tmpdir(), "bulwark-test-cache", `secrets-before-${BEFORE_COMMIT}`);
  if (!existsSync(join(dir, "src", "secret", "tree.ts"))) {
    mkdirSync(dir, { recursive: true });
    // The archive is several MB: above execFileSync's default 1 MB output buffer.
    const tar = execFileSync("git", ["archive", BEFORE_COMMIT, "src"], { maxBuffer: 512 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
  }
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(resolve("node_modules"), join(dir, "node_modules"));
  const config = (await import(
    join(dir, "src", "secret", "config.ts")
  )) as typeof import("../packages/scanner/src/secret/config.js");
  const tree = (await import(
    join(dir, "src", "secret", "tree.ts")
  )) as typeof import("../packages/scanner/src/secret/tree.js");
  const ctx = config.buildContext({});
  return (root) => tree.scanTree(ctx, root, { includeNoise: true });
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Timing {
  bytes: number;
  wallMs: number;
  cpuMs: number;
}

async function measure(fn: () => Promise<number> | number): Promise<Timing> {
  const wall = performance.now();
  const cpu = cpuMs();
  const bytes = await fn();
  return { bytes, wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu };
}

/** Best of two: the page cache and the JIT are warm for the second. */
async function best(fn: () => Promise<number> | number): Promise<Timing> {
  const a = await measure(fn);
  const b = await measure(fn);
  return a.cpuMs <= b.cpuMs ? a : b;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;
const rate = (bytes: number, ms: number): string => (mb(bytes) / (ms / 1000)).toFixed(1).padStart(8);
const per100 = (n: number, bytes: number): string => ((n / mb(bytes)) * 100).toFixed(1);

function findingKeys(scan: TreeScan): string[] {
  return scan.hits.map(
    ({ file, hit }) => `${fingerprint(hit.ruleId, file, hit.line, hit.secretHash)} ${hit.match}`,
  );
}

async function secretlintTree(files: WalkedFile[]): Promise<number> {
  const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended }] };
  let bytes = 0;
  for (const f of files) {
    const buf = readFileSync(f.path);
    if (buf.subarray(0, 8000).includes(0)) continue;
    bytes += buf.length;
    await lintSource({
      source: { filePath: f.rel, content: buf.toString("utf8"), contentType: "text" },
      options: { config, maskSecrets: true },
    });
  }
  return bytes;
}

async function falseAlarms(trees: string[], before: ScanFn, after: ScanFn): Promise<boolean> {
  console.log("\nfindings per 100 MB on large real trees (goal: under 5 after)");
  console.log("tree                                              MB   before  per100MB   after  per100MB");
  let met = true;
  for (const root of trees) {
    const b = await before(root);
    const a = await after(root);
    met &&= (a.hits.length / mb(a.bytesScanned)) * 100 < FP_GOAL_PER_100MB;
    console.log(
      `${root.slice(-46).padEnd(46)} ${mb(a.bytesScanned).toFixed(1).padStart(7)} ${String(b.hits.length).padStart(8)} ${per100(b.hits.length, b.bytesScanned).padStart(9)} ${String(a.hits.length).padStart(7)} ${per100(a.hits.length, a.bytesScanned).padStart(9)}`,
    );
  }
  return met;
}

async function throughput(root: string): Promise<{ share: number; identical: boolean }> {
  const walked = [...walkTree(root, WALK, () => undefined)];
  // The plain read reads the files the scanner scans (text: no NUL in the first 8000 bytes).
  const files = walked.filter((f) => !readFileSync(f.path).subarray(0, 8000).includes(0));
  const ctx = buildContext({});
  const one = (): Promise<TreeScan> => scanTree(ctx, root, { includeNoise: true });
  const pool = new ParallelTreeScanner({}, 2);
  const two = (): Promise<TreeScan> => pool.scan(root, { includeNoise: true });
  const single = findingKeys(await one());
  const parallel = findingKeys(await two());
  const identical = single.length === parallel.length && single.every((k, i) => k === parallel[i]);
  // A plain read of the tree: the same walk and reads as the scanner, counting the text bytes.
  let allBytes = 0;
  const read = await best(() => {
    let bytes = 0;
    allBytes = 0;
    for (const f of walkTree(root, WALK, () => undefined)) {
      const buf = readFileSync(f.path);
      allBytes += buf.length;
      if (!buf.subarray(0, 8000).includes(0)) bytes += buf.length;
    }
    return bytes;
  });
  const scan = await best(async () => (await one()).bytesScanned);
  const scan2 = await best(async () => (await two()).bytesScanned);
  await pool.close();
  const lint = await measure(() => secretlintTree(files));
  const share = mb(scan.bytes) / (scan.cpuMs / 1000) / (mb(read.bytes) / (read.cpuMs / 1000));
  console.log(
    `\nthroughput on ${root}: ${files.length} text files, ${mb(read.bytes).toFixed(1)} MB (of ${walked.length} files walked)`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${availableParallelism()} cores`,
  );
  console.log("                                        MB/s (CPU)  MB/s (wall)");
  console.log(
    `plain read                               ${rate(read.bytes, read.cpuMs)}    ${rate(read.bytes, read.wallMs)}`,
  );
  // The same read counted over every byte read (binary files too), as the earlier bench did.
  console.log(
    `  counting binary bytes too (${mb(allBytes).toFixed(0)} MB) ${rate(allBytes, read.cpuMs)}    ${rate(allBytes, read.wallMs)}`,
  );
  console.log(
    `bulwark secrets, one thread              ${rate(scan.bytes, scan.cpuMs)}    ${rate(scan.bytes, scan.wallMs)}`,
  );
  console.log(
    `bulwark secrets, two worker threads      ${rate(scan2.bytes, scan2.cpuMs)}    ${rate(scan2.bytes, scan2.wallMs)}`,
  );
  console.log(
    `secretlint (preset-recommend), one thread${rate(lint.bytes, lint.cpuMs)}    ${rate(lint.bytes, lint.wallMs)}`,
  );
  console.log(
    `one-thread share of a plain read: ${(share * 100).toFixed(1)}% (goal ${READ_SHARE_GOAL * 100}%): ${share >= READ_SHARE_GOAL ? "MET" : "NOT MET"}`,
  );
  console.log(
    `findings: ${single.length} one thread, ${parallel.length} two threads: ${identical ? "identical" : "DIFFERENT"}`,
  );
  return { share, identical };
}

export async function run(args: string[]): Promise<void> {
  const trees = args.length ? args.map((a) => resolve(a)) : defaultTrees();
  const ctx = buildContext({});
  const providers = new Set(builtinRules.map((r) => r.provider)).size;
  console.log(`${builtinRules.length} rules, ${providers} providers`);
  const after: ScanFn = (root) => scanTree(ctx, root, { includeNoise: true });
  const fpMet = await falseAlarms(trees, await beforeScanner(), after);
  const { identical } = await throughput(trees[trees.length - 1]!);
  console.log(
    `\nfalse alarms under ${FP_GOAL_PER_100MB} per 100 MB on every tree: ${fpMet ? "MET" : "NOT MET"}`,
  );
  if (!identical) process.exitCode = 1;
}
