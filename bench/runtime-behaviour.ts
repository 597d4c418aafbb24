/**
 * `npm run bench -- runtime-behaviour [section…]`: the runtime-behaviour figures of issue 13,
 * one section per file under bench/runtime-behaviour/, listed here explicitly. With no
 * argument every section runs; otherwise only the named ones.
 */
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** Section name → file under bench/runtime-behaviour/ exporting `run(args)`. */
const sections: readonly string[] = ["flows", "baseline", "agent"];

export async function run(args: string[]): Promise<void> {
  // Section names; flags (`--x`, `--x=v`) and numbers (counts, flag values) go to the sections.
  const own = (a: string) => a.startsWith("-") || /^\d+$/.test(a);
  const wanted = args.filter((a) => !own(a));
  const unknown = wanted.filter((w) => !sections.includes(w));
  if (unknown.length) throw new Error(`unknown section ${unknown.join(", ")}; have: ${sections.join(", ")}`);
  for (const name of wanted.length ? wanted : sections) {
    console.log(`\n== runtime-behaviour: ${name} ==`);
    const mod = (await import(pathToFileURL(`${here}/runtime-behaviour/${name}.ts`).href)) as {
      run(args: string[]): Promise<void>;
    };
    await mod.run(args.filter(own));
  }
}
