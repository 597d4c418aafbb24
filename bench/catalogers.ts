/**
 * `npm run bench -- catalogers [DIR…]` (default: /usr /var/lib/dpkg): offers every regular
 * file under the directories to all package catalogers, the way the layer walker does
 * (wants() on path and metadata, one read per wanted file shared by all analyzers), and
 * prints the catalogers' wall time and peak memory beside a plain read of the same wanted
 * files — the part of a scan the catalogers add on top of I/O.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogers } from "../packages/scanner/src/analyzer/registry.js";

interface Wanted {
  path: string;
  size: number;
  mode: number;
}

function collect(dirs: string[]): Wanted[] {
  const analyzers = catalogers;
  const out: Wanted[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) visit(path);
      else if (e.isFile()) {
        const st = lstatSync(path);
        if (analyzers.some((a) => a.wants(path, { size: st.size, mode: st.mode })))
          out.push({ path, size: st.size, mode: st.mode });
      }
    }
  };
  dirs.forEach(visit);
  return out;
}

export async function run(args: string[]): Promise<void> {
  const dirs = args.length > 0 ? args : ["/usr", "/var/lib/dpkg"];
  const files = collect(dirs);
  const bytes = files.reduce((n, f) => n + f.size, 0);

  const t0 = performance.now();
  for (const f of files) readFileSync(f.path);
  const plainMs = performance.now() - t0;

  const analyzers = catalogers;
  let peak = process.memoryUsage().rss;
  let packages = 0;
  let issues = 0;
  const perAnalyzer = new Map<string, number>();
  const t1 = performance.now();
  for (const f of files) {
    const buf = readFileSync(f.path);
    const file = {
      path: f.path,
      size: f.size,
      mode: f.mode,
      uid: 0,
      gid: 0,
      read: () => Promise.resolve(buf),
      readRange: (offset: number, length: number) => Promise.resolve(buf.subarray(offset, offset + length)),
    };
    for (const a of analyzers) {
      if (!a.wants(f.path, f)) continue;
      const ta = performance.now();
      try {
        packages += (await a.analyze(file))?.packages?.length ?? 0;
      } catch {
        issues++;
      }
      perAnalyzer.set(a.name, (perAnalyzer.get(a.name) ?? 0) + performance.now() - ta);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const catalogMs = performance.now() - t1;

  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`files wanted: ${files.length} (${mb(bytes)} MiB) under ${dirs.join(" ")}`);
  console.log(`plain read of those files: ${plainMs.toFixed(0)} ms`);
  console.log(
    `read + all catalogers:     ${catalogMs.toFixed(0)} ms  (${packages} packages, ${issues} parse issues)`,
  );
  const slowest = [...perAnalyzer].sort((x, y) => y[1] - x[1]).map(([n, ms]) => `${n} ${ms.toFixed(0)}`);
  console.log(`per cataloger (ms):        ${slowest.join(", ")}`);
  console.log(
    `cataloger overhead:        ${(catalogMs - plainMs).toFixed(0)} ms; peak RSS ${mb(peak)} MiB (goal: < 300 MiB for a whole scan)`,
  );
}
