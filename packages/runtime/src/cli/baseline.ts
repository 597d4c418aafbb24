/**
 * `bulwark runtime baseline show|diff|approve|reset`: read, review and promote what the agent
 * learned. Baselines live in `--dir` (default `<data dir>/baselines`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { defaultDataDir } from "../deps.js";
import { RuntimeError } from "../errors.js";
import { serializeBaseline, type Baseline } from "../baseline/file.js";
import { BASELINE_MODES, FACETS, type BaselineMode } from "../baseline/profile.js";
import { BaselineStore, type BaselineKind } from "../baseline/store.js";

interface DirFlag {
  dir?: string;
}

const storeOf = (f: DirFlag) => new BaselineStore(f.dir ?? join(defaultDataDir(), "baselines"));

/** A workload key, or a path to a baseline file. */
function load(store: BaselineStore, ref: string, kind: BaselineKind): Baseline {
  if (ref.endsWith(".yaml") && existsSync(ref)) return store.readFile(ref);
  const b = store.read(ref, kind);
  if (!b) throw new RuntimeError("BASELINE_NOT_FOUND", `no ${kind} baseline for ${ref} in ${store.dir}`);
  return b;
}

function show(ref: string | undefined, f: DirFlag & { candidate?: boolean }): void {
  const store = storeOf(f);
  if (ref)
    return void process.stdout.write(
      serializeBaseline(load(store, ref, f.candidate ? "candidate" : "approved")),
    );
  for (const key of store.keys()) {
    const parts = (["approved", "candidate"] as const).map((k) => {
      const b = store.read(key, k);
      return b ? `${k} (${b.mode}, ${b.learned.events} events until ${b.learned.until})` : undefined;
    });
    process.stdout.write(`${key}\t${parts.filter(Boolean).join("; ")}\n`);
  }
}

/** Lines added (+) and removed (-) per facet, from `a` to `b`. Exit 1 when they differ. */
function diff(a: Baseline, b: Baseline): boolean {
  let differs = false;
  for (const f of FACETS) {
    const added = [...b.profile[f]].filter((v) => !a.profile[f].has(v)).sort();
    const removed = [...a.profile[f]].filter((v) => !b.profile[f].has(v)).sort();
    for (const v of removed) process.stdout.write(`- ${f}: ${v}\n`);
    for (const v of added) process.stdout.write(`+ ${f}: ${v}\n`);
    differs ||= added.length + removed.length > 0;
  }
  return differs;
}

function approve(key: string, f: DirFlag & { mode: string; by?: string }): void {
  if (!BASELINE_MODES.includes(f.mode as BaselineMode))
    throw new RuntimeError("USAGE", `--mode: expected ${BASELINE_MODES.join(", ")}, got "${f.mode}"`);
  const store = storeOf(f);
  const candidate = load(store, key, "candidate");
  const by = f.by ?? process.env.SUDO_USER ?? process.env.USER ?? `uid ${process.getuid?.() ?? "?"}`;
  const file = store.write(
    { ...candidate, mode: f.mode as BaselineMode, approved: { by, at: new Date().toISOString() } },
    "approved",
  );
  process.stderr.write(`approved ${key} in ${f.mode} mode by ${by}: ${file}\n`);
}

export function registerBaselineCommand(runtime: Command): void {
  const baseline = runtime
    .command("baseline")
    .description("Learned per-image baselines: review and approve them");
  const dir = "--dir <dir>";
  const dirHelp = "baseline directory (default: <data dir>/baselines)";
  baseline
    .command("show [workload]")
    .description("list workloads, or print one baseline (a workload key or a file)")
    .option(dir, dirHelp)
    .option("--candidate", "the learned candidate instead of the approved baseline")
    .action((ref: string | undefined, f: DirFlag & { candidate?: boolean }) => show(ref, f));
  baseline
    .command("diff <a> [b]")
    .description(
      "what changed: a workload's approved baseline → its candidate, or file/key A → B; exit 1 when they differ",
    )
    .option(dir, dirHelp)
    .action((a: string, b: string | undefined, f: DirFlag) => {
      const store = storeOf(f);
      const differs = b
        ? diff(load(store, a, "approved"), load(store, b, "approved"))
        : diff(load(store, a, "approved"), load(store, a, "candidate"));
      if (differs) process.exitCode = 1;
    });
  baseline
    .command("approve <workload>")
    .description("promote the learned candidate to the baseline in force, recording who approved it")
    .option(dir, dirHelp)
    .option("--mode <mode>", "monitor (alert on deviations) or protect (also respond)", "monitor")
    .option("--by <name>", "who approves (default: $SUDO_USER or $USER)")
    .action((key: string, f: DirFlag & { mode: string; by?: string }) => approve(key, f));
  baseline
    .command("reset <workload>")
    .description("forget a workload's baselines (approved and candidate); learning starts again")
    .option(dir, dirHelp)
    .action((key: string, f: DirFlag) => {
      const store = storeOf(f);
      if (!store.reset(key))
        throw new RuntimeError("BASELINE_NOT_FOUND", `no baseline for ${key} in ${store.dir}`);
    });
}
