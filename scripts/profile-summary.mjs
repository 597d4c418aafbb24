#!/usr/bin/env node
/**
 * Top self-time functions of a V8 CPU profile (`node --cpu-prof`), the table docs/performance.md
 * shows. Usage: node scripts/profile-summary.mjs FILE.cpuprofile [N]
 * Self time per function = samples whose leaf frame is that function × the sampling interval;
 * functions are keyed by name and source position, so one function's callers are summed.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const [file, top = "15"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/profile-summary.mjs FILE.cpuprofile [N]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMs = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  const f = nodes.get(samples[i]).callFrame;
  const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : "";
  const key = `${f.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
  selfMs.set(key, (selfMs.get(key) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
}
const total = (profile.endTime - profile.startTime) / 1000;
console.log(`profile ${basename(file)}: ${total.toFixed(0)} ms sampled`);
const rows = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
for (const [name, ms] of rows) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
