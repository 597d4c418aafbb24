/**
 * `npm run bench -- secrets [DIR]`: secret scan throughput on a large real tree, beside a
 * plain read of the same files. Default tree: node_modules of the typescript and aws-sdk
 * npm packages (installed into the test cache on first run). Goal: 50 MB/s on one core
 * with every rule on. CPU time is reported beside wall time because a shared machine's
 * wall clock measures the neighbours as much as the scanner.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildContext, type SecretContext } from "../packages/scanner/src/secret/config.js";
import { SecretEngine } from "../packages/scanner/src/secret/engine.js";
import { fingerprint } from "../packages/scanner/src/secret/redact.js";
import { builtinRules } from "../packages/scanner/src/secret/rules/index.js";
import { scanTree, type TreeScan } from "../packages/scanner/src/secret/tree.js";
import { walkTree } from "../packages/scanner/src/secret/walk.js";

const GOAL_MB_S = 50;
const PACKAGES = ["typescript@5.9.3", "aws-sdk@2.1692.0"];

function defaultTree(): string {
  const prefix = join(tmpdir(), "bulwark-test-cache", "secret-npm-trees");
  if (!PACKAGES.every((p) => existsSync(join(prefix, "node_modules", p.slice(0, p.lastIndexOf("@")))))) {
    mkdirSync(prefix, { recursive: true });
    execFileSync(
      "npm",
      ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--ignore-scripts", ...PACKAGES],
      {
        stdio: "inherit",
      },
    );
  }
  return join(prefix, "node_modules");
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function measure(
  fn: () => Promise<number> | number,
): Promise<{ bytes: number; wallMs: number; cpuMs: number }> {
  const wall = performance.now();
  const cpu = cpuMs();
  const bytes = await fn();
  return { bytes, wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu };
}

const mbps = (bytes: number, ms: number): string =>
  (bytes / 1024 / 1024 / (ms / 1000)).toFixed(1).padStart(7);

/** Every finding as its fingerprint plus the redacted match, sorted: what "identical" compares. */
function findingKeys(scan: TreeScan): string[] {
  return scan.hits
    .map(({ file, hit }) => `${fingerprint(hit.ruleId, file, hit.line, hit.secretHash)} ${hit.match}`)
    .sort();
}

export async function run(args: string[]): Promise<void> {
  const root = args[0] ?? defaultTree();
  const ctx = buildContext({});
  // The combined keyword regex the automaton replaced, kept to show the gain and that nothing changed.
  const regexCtx: SecretContext = { ...ctx, engine: new SecretEngine(ctx.engine.rules, [], "regex") };
  const walk = { includeNoise: true, maxFileBytes: 256 * 1024 * 1024, maxDepth: 128 };
  // Warm the page cache and the JIT once, then measure the best of three runs of each.
  const found = findingKeys(await scanTree(ctx, root, { includeNoise: true }));
  const foundBefore = findingKeys(await scanTree(regexCtx, root, { includeNoise: true }));
  const best = async (fn: () => Promise<number> | number) => {
    const runs = [await measure(fn), await measure(fn), await measure(fn)];
    return runs.sort((a, b) => a.cpuMs - b.cpuMs)[0]!;
  };
  const read = await best(() => {
    let bytes = 0;
    for (const f of walkTree(root, walk, () => undefined)) bytes += readFileSync(f.path).length;
    return bytes;
  });
  const scan = await best(async () => (await scanTree(ctx, root, { includeNoise: true })).bytesScanned);
  const before = await best(
    async () => (await scanTree(regexCtx, root, { includeNoise: true })).bytesScanned,
  );
  const identical = found.length === foundBefore.length && found.every((f, i) => f === foundBefore[i]);
  const scanMbS = scan.bytes / 1024 / 1024 / (scan.cpuMs / 1000);
  console.log(`secret scan of ${root}`);
  console.log(
    `${builtinRules.length} regex rules on, ${(scan.bytes / 1024 / 1024).toFixed(1)} MB of text, one thread`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on this machine`,
  );
  console.log("                               MB/s (CPU)  MB/s (wall)");
  console.log(
    `plain read                    ${mbps(read.bytes, read.cpuMs)}      ${mbps(read.bytes, read.wallMs)}`,
  );
  console.log(
    `bulwark secrets               ${mbps(scan.bytes, scan.cpuMs)}      ${mbps(scan.bytes, scan.wallMs)}`,
  );
  console.log(
    `  with the old regex filter   ${mbps(before.bytes, before.cpuMs)}      ${mbps(before.bytes, before.wallMs)}`,
  );
  console.log(`goal                          ${String(GOAL_MB_S).padStart(7)}`);
  console.log(
    `findings: ${found.length} (automaton), ${foundBefore.length} (old regex filter): ${identical ? "identical" : "DIFFERENT"}`,
  );
  console.log(
    `verdict: ${scanMbS >= GOAL_MB_S ? "MET" : "NOT MET"} (${scanMbS.toFixed(1)} MB/s CPU on one core, goal ${GOAL_MB_S})`,
  );
  if (!identical) process.exitCode = 1;
}
