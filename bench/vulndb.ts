/**
 * `npm run bench -- vulndb [--source DIR|URL] [--runs N]`: imports the vulnerability
 * mirror (default ../shared/vulndb, ~7,400 advisories) into a fresh cache N times and
 * prints the import time beside the 5 s goal, then times package lookups.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openVulnDb, updateVulnDb, type ImportReport } from "../packages/vulndb/src/index.js";

const IMPORT_GOAL_S = 5;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(args: string[]): Promise<void> {
  const source = flag(args, "--source") ?? resolve(repoRoot, "../shared/vulndb");
  const runs = Number(flag(args, "--runs") ?? 3);
  if (!/^https?:/.test(source) && !existsSync(source)) {
    console.error(`vulndb bench: no mirror at ${source} (pass --source DIR|URL)`);
    process.exitCode = 2;
    return;
  }
  const work = mkdtempSync(join(tmpdir(), "bulwark-bench-vulndb-"));
  try {
    const times: number[] = [];
    const cpu: number[] = [];
    let last: ImportReport | undefined;
    for (let i = 0; i < runs; i++) {
      // A fresh cache each run: the full build, temp file, fsync and rename every time.
      const cache = join(work, `run-${i}`);
      const c0 = process.cpuUsage();
      last = await updateVulnDb({ cacheDir: cache, source });
      const c = process.cpuUsage(c0);
      times.push(last.seconds);
      cpu.push((c.user + c.system) / 1e6);
    }
    const r = last!;
    const m = median(times);
    const ecos = Object.entries(r.ecosystems)
      .map(([e, n]) => `${e} ${n}`)
      .join(", ");
    console.log(`vulndb import: ${source}`);
    console.log(`  advisories ${r.records} (${ecos}), invalid ${r.invalidCount}, KEV ${r.kev}`);
    console.log(
      `  runs (wall / CPU s): ${times.map((t, i) => `${t.toFixed(2)}/${cpu[i]!.toFixed(2)}`).join("  ")}  (first run is cold)`,
    );
    console.log(
      `  import time  median ${m.toFixed(2)} s  cold ${times[0]!.toFixed(2)} s   goal < ${IMPORT_GOAL_S} s   ${m < IMPORT_GOAL_S ? "MET" : "MISSED"}`,
    );
    console.log(
      `  (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs while measuring)`,
    );

    const db = openVulnDb(join(work, `run-${runs - 1}`));
    const names = ["lodash", "minimist", "marked", "qs", "moment", "express", "left-pad"];
    const t0 = performance.now();
    let hits = 0;
    const lookups = 10_000;
    for (let i = 0; i < lookups; i++) hits += db.advisories("npm", names[i % names.length]!).length;
    const perLookupUs = ((performance.now() - t0) * 1000) / lookups;
    db.close();
    console.log(
      `  lookups      ${perLookupUs.toFixed(1)} µs per advisories() call (${lookups} calls, ${hits} records returned)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
