/**
 * A directory of baselines: `<workload>.yaml` is the approved baseline in force,
 * `<workload>.candidate.yaml` what the agent is learning or has learned. Writes are atomic
 * (temp file + rename), so a crash never leaves half a baseline.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readBoundedFileSync } from "../deps.js";
import { RuntimeError } from "../errors.js";
import { parseBaseline, serializeBaseline, type Baseline } from "./file.js";

/** A file name for a workload key: readable, safe, unique (a hash tail when it had to be cut). */
export function slugOf(key: string): string {
  const safe = key.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "");
  if (safe.length <= 80 && safe === key.replace(/:/g, "-")) return safe;
  return `${safe.slice(0, 60)}-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}

export type BaselineKind = "approved" | "candidate";

export class BaselineStore {
  constructor(readonly dir: string) {}

  path(key: string, kind: BaselineKind): string {
    return join(this.dir, `${slugOf(key)}${kind === "candidate" ? ".candidate" : ""}.yaml`);
  }

  /** Reads one file strictly (BASELINE_INVALID with file and line on any problem). */
  readFile(file: string): Baseline {
    return parseBaseline(readBoundedFileSync(file, "baseline file", "CONFIG_BYTES").toString("utf8"), file);
  }

  read(key: string, kind: BaselineKind): Baseline | undefined {
    const file = this.path(key, kind);
    return existsSync(file) ? this.readFile(file) : undefined;
  }

  /** Every approved baseline that loads, and one error per file that does not. */
  loadApproved(): { baselines: Baseline[]; errors: RuntimeError[] } {
    const baselines: Baseline[] = [];
    const errors: RuntimeError[] = [];
    if (!existsSync(this.dir)) return { baselines, errors };
    for (const f of readdirSync(this.dir).sort()) {
      if (!f.endsWith(".yaml") || f.endsWith(".candidate.yaml")) continue;
      try {
        baselines.push(this.readFile(join(this.dir, f)));
      } catch (e) {
        errors.push(
          e instanceof RuntimeError ? e : new RuntimeError("BASELINE_INVALID", `${f}: ${String(e)}`),
        );
      }
    }
    return { baselines, errors };
  }

  write(b: Baseline, kind: BaselineKind): string {
    mkdirSync(this.dir, { recursive: true });
    const file = this.path(b.workload.key, kind);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, serializeBaseline(b));
    renameSync(tmp, file);
    return file;
  }

  /** Removes both files of a workload; false when there was nothing. */
  reset(key: string): boolean {
    let any = false;
    for (const kind of ["approved", "candidate"] as const) {
      const file = this.path(key, kind);
      if (existsSync(file)) {
        rmSync(file);
        any = true;
      }
    }
    return any;
  }

  /** Workload keys with any file here (read from the files, since slugs are one-way). */
  keys(): string[] {
    if (!existsSync(this.dir)) return [];
    const keys = new Set<string>();
    for (const f of readdirSync(this.dir)
      .filter((x) => x.endsWith(".yaml"))
      .sort()) {
      try {
        keys.add(parseBaseline(readFileSync(join(this.dir, f), "utf8"), f).workload.key);
      } catch {
        // listed by `baseline show` as invalid, not here
      }
    }
    return [...keys];
  }
}
