#!/usr/bin/env node
/**
 * Top self-time functions of V8 CPU profiles (`node --cpu-prof`), the table docs/performance.md
 * shows. Usage: node scripts/profile-summary.mjs FILE.cpuprofile... [N]
 * Self time per function = samples whose leaf frame is that function × the sampling interval;
 * functions are keyed by name and source position, so one function's callers are summed.
 * Given several profiles (runs of one command), each figure is the mean over them: on a loaded
 * machine one run's figures move by half, the mean of five much less.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const args = process.argv.slice(2);
const files = args.filter((a) => !/^\d+$/.test(a));
const top = Number(args.find((a) => /^\d+$/.test(a)) ?? "15");
if (files.length === 0) {
  console.error("usage: node scripts/profile-summary.mjs FILE.cpuprofile... [N]");
  process.exit(2);
}
const selfMs = new Map();
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const f = nodes.get(samples[i]).callFrame;
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + (timeDeltas[i] ?? 0) / 1000 / files.length);
  }
  total += (profile.endTime - profile.startTime) / 1000 / files.length;
}
const what = files.length === 1 ? `profile ${basename(files[0])}` : `mean of ${files.length} profiles`;
console.log(`${what}: ${total.toFixed(0)} ms sampled`);
const rows = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [name, ms] of rows) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
