/**
 * `npm run bench -- <name> [args…]` runs bench/<name>.ts, which exports `run(args)`.
 * Benchmarks print Bulwark's figure beside the peer's or the goal's in the same run.
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3));

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [args…]`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(`${here}/${name}.ts`).href)) as {
  run(args: string[]): Promise<void>;
};
await mod.run(args);
// A benchmark's libraries may leave handles open (secretlint's profiler keeps a timer): the run
// is over when run() returns.
process.exit(process.exitCode ?? 0);
