/**
 * `npm run fuzz -- <target> [--seconds N] [--seed S] [--blind]` fuzzes one parser (`--list`
 * names them), guided by V8 block coverage unless `--blind`; `npm run fuzz -- all --seconds N`
 * each in turn. Each line: executions, distinct inputs, corpus kept, blocks covered, crashes. Seeds come from fuzz/corpus/<target>/;
 * crashes are written to fuzz/crashes/<target>-<id> (to be turned into regression tests).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Coverage } from "./coverage.js";
import { fuzz } from "./engine.js";
import { seedsOf } from "./seeds.js";
import { targets, type FuzzTarget } from "./targets.js";

const here = import.meta.dirname;

async function runOne(t: FuzzTarget, seconds: number, seed: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  const coverage = blind ? undefined : new Coverage();
  const stats = await fuzz(t, seedsOf(t.name), seed, () => Date.now() > end, coverage);
  coverage?.stop();
  const blocks = stats.blocks === undefined ? "blind" : `${stats.blocks} blocks`;
  console.log(
    `${t.name.padEnd(16)} ${seconds} s  ${String(stats.executions).padStart(10)} execs  ${String(stats.distinct).padStart(8)} distinct inputs  corpus ${stats.corpus}  ${blocks}  ${stats.crashes.length} crashes`,
  );
  for (const c of stats.crashes) {
    mkdirSync(join(here, "crashes"), { recursive: true });
    const file = join(here, "crashes", `${t.name}-${c.id}`);
    writeFileSync(file, c.input);
    console.log(`  crash ${c.id}: ${c.error}\n    input: ${file}`);
  }
  return stats.crashes.length;
}

const args = process.argv.slice(2);
const blind = args.includes("--blind");
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
if (args[0] === "--list" || !args[0]) {
  for (const t of targets) console.log(`${t.name.padEnd(16)} ${t.about}`);
  process.exit(args[0] ? 0 : 2);
}
const chosen = args[0] === "all" ? targets : targets.filter((t) => t.name === args[0]);
if (!chosen.length) {
  console.error(`unknown fuzz target ${args[0]} (npm run fuzz -- --list)`);
  process.exit(2);
}
let crashes = 0;
for (const t of chosen)
  crashes += await runOne(t, flag("--seconds", 10), flag("--seed", Date.now() % 2 ** 31));
process.exit(crashes ? 1 : 0);
