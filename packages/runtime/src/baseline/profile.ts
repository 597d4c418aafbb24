/**
 * What a workload normally does, learned from its events: executables run (with the parent
 * that ran them), directories written in, outbound destinations, listening ports and users.
 * A profile is keyed by the image digest (else the image reference), so one learned on one
 * node applies to the same image on another.
 */
import type { RuntimeEvent } from "../events/types.js";

export type BaselineMode = "learn" | "monitor" | "protect";
export const BASELINE_MODES: readonly BaselineMode[] = ["learn", "monitor", "protect"];

export interface Profile {
  executables: Set<string>;
  writes: Set<string>;
  outbound: Set<string>;
  listening: Set<string>;
  users: Set<string>;
}

export type FacetName = keyof Profile;
export const FACETS: readonly FacetName[] = ["executables", "writes", "outbound", "listening", "users"];

export const emptyProfile = (): Profile => ({
  executables: new Set(),
  writes: new Set(),
  outbound: new Set(),
  listening: new Set(),
  users: new Set(),
});

/** The workload an event belongs to; undefined for the host (baselines are per container image). */
export function workloadOf(e: RuntimeEvent): { key: string; image?: string; digest?: string } | undefined {
  const c = e.container;
  if (c.id === "host") return undefined;
  const key = c.imageDigest ?? c.image ?? c.name ?? c.id;
  return { key, image: c.image, digest: c.imageDigest };
}

const dirOf = (p: string): string => p.slice(0, Math.max(1, p.lastIndexOf("/")));

/** The facet and value an event contributes, if any ("path <- parent" for executables). */
export function observation(e: RuntimeEvent): { facet: FacetName; value: string } | undefined {
  switch (e.type) {
    case "exec": {
      const path = e.process.exePath ?? e.process.exe;
      // The parent by name: its exe path differs by how it was seen (execve's "/bin/sh" when the
      // agent watched it start, /proc's resolved "/usr/bin/dash" when it was already running).
      const parent = e.process.ancestors[0]?.name ?? "?";
      return { facet: "executables", value: `${path} <- ${parent}` };
    }
    case "open":
      return e.access === "read" ? undefined : { facet: "writes", value: dirOf(e.path) };
    case "connect":
      return e.remote
        ? { facet: "outbound", value: `${e.remote.ip}:${e.remote.port}/${e.protocol}` }
        : undefined;
    case "listen":
      return e.local ? { facet: "listening", value: `${e.local.port}/${e.protocol}` } : undefined;
    default:
      return undefined;
  }
}

/** Users are learned from every exec: who runs what. */
export function userOf(e: RuntimeEvent): string | undefined {
  return e.type === "exec" ? String(e.process.uid) : undefined;
}

export function learn(p: Profile, e: RuntimeEvent): void {
  const o = observation(e);
  if (o) p[o.facet].add(o.value);
  const u = userOf(e);
  if (u !== undefined) p.users.add(u);
}

/** What in this event the profile has not seen: one entry per new facet value. */
export function deviations(p: Profile, e: RuntimeEvent): Array<{ facet: FacetName; value: string }> {
  const out: Array<{ facet: FacetName; value: string }> = [];
  const o = observation(e);
  if (o && !covered(p, o.facet, o.value)) out.push(o);
  const u = userOf(e);
  if (u !== undefined && !p.users.has(u)) out.push({ facet: "users", value: u });
  return out;
}

/** A write is normal below any learned directory; other facets match exactly. */
function covered(p: Profile, facet: FacetName, value: string): boolean {
  if (facet !== "writes") return p[facet].has(value);
  for (const d of p.writes) if (value === d || value.startsWith(d === "/" ? "/" : `${d}/`)) return true;
  return false;
}
