/**
 * The agent's side of baselines: workloads without an approved baseline (or in learn mode)
 * are learned into candidates; the others are checked, and each new behaviour is reported
 * once. A baseline file that fails to load leaves the one loaded before it in force.
 */
import { hostname } from "node:os";
import type { RuntimeEvent } from "../events/types.js";
import type { RuntimeError } from "../errors.js";
import type { Baseline } from "./file.js";
import { deviations, emptyProfile, learn, workloadOf, type BaselineMode, type FacetName } from "./profile.js";
import type { BaselineStore } from "./store.js";

export interface Deviation {
  workload: string;
  mode: BaselineMode;
  facet: FacetName;
  value: string;
  event: RuntimeEvent;
}

export class BaselineGuard {
  /** Approved baselines by workload key, and by the file they came from. */
  private approved = new Map<string, Baseline>();
  private byFile = new Map<string, Baseline>();
  private readonly candidates = new Map<string, Baseline>();
  private readonly reported = new Set<string>();
  private dirty = false;

  constructor(
    private readonly store: BaselineStore,
    private readonly node = hostname(),
  ) {}

  /** (Re)loads approved baselines; returns the files that failed (their old baseline stays). */
  reload(): RuntimeError[] {
    const { baselines, errors } = this.store.loadApproved();
    const next = new Map<string, Baseline>();
    const nextByFile = new Map<string, Baseline>();
    for (const b of baselines) {
      next.set(b.workload.key, b);
      nextByFile.set(this.store.path(b.workload.key, "approved"), b);
    }
    for (const e of errors) {
      const file = [...this.byFile.keys()].find((f) => e.message.startsWith(`${f}:`));
      const kept = file === undefined ? undefined : this.byFile.get(file);
      if (file && kept && !next.has(kept.workload.key)) {
        next.set(kept.workload.key, kept);
        nextByFile.set(file, kept);
      }
    }
    this.approved = next;
    this.byFile = nextByFile;
    return errors;
  }

  modeOf(key: string): BaselineMode | undefined {
    return this.approved.get(key)?.mode;
  }

  observe(e: RuntimeEvent): Deviation[] {
    const w = workloadOf(e);
    if (!w) return [];
    const b = this.approved.get(w.key);
    if (b && b.mode !== "learn") return this.check(b, e);
    this.learnInto(w, e);
    return [];
  }

  /** Writes the candidates learned since the last flush. */
  flush(): void {
    if (!this.dirty) return;
    for (const c of this.candidates.values()) this.store.write(c, "candidate");
    this.dirty = false;
  }

  private check(b: Baseline, e: RuntimeEvent): Deviation[] {
    const out: Deviation[] = [];
    for (const d of deviations(b.profile, e)) {
      const id = `${b.workload.key}\u0000${d.facet}\u0000${d.value}`;
      if (this.reported.has(id)) continue;
      this.reported.add(id);
      out.push({ workload: b.workload.key, mode: b.mode, facet: d.facet, value: d.value, event: e });
    }
    return out;
  }

  private learnInto(w: NonNullable<ReturnType<typeof workloadOf>>, e: RuntimeEvent): void {
    let c = this.candidates.get(w.key);
    if (!c) {
      c = this.existingCandidate(w.key) ?? {
        workload: {
          key: w.key,
          ...(w.image ? { image: w.image } : {}),
          ...(w.digest ? { digest: w.digest } : {}),
        },
        mode: "learn",
        learned: { from: e.time, until: e.time, events: 0, node: this.node },
        profile: emptyProfile(),
      };
      this.candidates.set(w.key, c);
    }
    learn(c.profile, e);
    c.learned.until = e.time;
    c.learned.events++;
    this.dirty = true;
  }

  /** Learning goes on from a candidate already on disk (an agent restart), if it loads. */
  private existingCandidate(key: string): Baseline | undefined {
    try {
      return this.store.read(key, "candidate");
    } catch {
      return undefined;
    }
  }
}
