/**
 * Containers started by runc, found through runc's own state: `<root>/<id>/state.json`
 * for each state root (plain runc, containerd's and Docker's runc roots). The state names
 * the cgroup paths, the init pid and the bundle; the bundle's config.json carries the OCI
 * annotations, capabilities, mounts and user (bundle.ts).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerRuntime } from "../events/index.js";

export interface RuncState {
  id: string;
  runtime: ContainerRuntime;
  initPid?: number;
  bundle?: string;
  created?: string;
  /** cgroup v2 path relative to the cgroup2 mount (e.g. "/probe1"), when runc knows it. */
  cgroupV2?: string;
  /** Every cgroup path runc recorded (absolute), v1 controllers included. */
  cgroupPaths: string[];
}

/** Roots where runc keeps state; `*` stands for one directory level (containerd namespaces). */
export const RUNC_STATE_ROOTS: Array<[string, ContainerRuntime]> = [
  ["/run/runc", "runc"],
  ["/run/containerd/runc/*", "containerd"],
  ["/run/docker/runtime-runc/*", "docker"],
  ["/run/crun", "podman"],
];

export function listRuncStates(roots = RUNC_STATE_ROOTS, cgroup2Mount?: string): RuncState[] {
  const out: RuncState[] = [];
  for (const [pattern, runtime] of roots) {
    for (const root of expandRoot(pattern)) {
      for (const id of safeList(root)) {
        const state = readState(join(root, id, "state.json"), runtime, cgroup2Mount);
        if (state) out.push(state);
      }
    }
  }
  return out;
}

/** The state root (and runtime) that holds container ID, e.g. /run/runc for plain runc. */
export function runcRootOf(
  id: string,
  roots = RUNC_STATE_ROOTS,
): { root: string; runtime: ContainerRuntime } | undefined {
  for (const [pattern, runtime] of roots)
    for (const root of expandRoot(pattern))
      if (existsSync(join(root, id, "state.json"))) return { root, runtime };
  return undefined;
}

function expandRoot(pattern: string): string[] {
  if (!pattern.endsWith("/*")) return [pattern];
  const base = pattern.slice(0, -2);
  return safeList(base).map((d) => join(base, d));
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

interface RawState {
  id?: unknown;
  init_process_pid?: unknown;
  created?: unknown;
  cgroup_paths?: unknown;
  config?: { labels?: unknown };
}

export function readState(
  path: string,
  runtime: ContainerRuntime,
  cgroup2Mount?: string,
): RuncState | undefined {
  let raw: RawState;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as RawState;
  } catch {
    return undefined;
  }
  if (typeof raw.id !== "string") return undefined;
  const paths =
    raw.cgroup_paths && typeof raw.cgroup_paths === "object"
      ? Object.entries(raw.cgroup_paths as Record<string, unknown>).filter(
          (e): e is [string, string] => typeof e[1] === "string",
        )
      : [];
  const unified = paths.find(([k]) => k === "")?.[1];
  const labels = Array.isArray(raw.config?.labels) ? (raw.config.labels as unknown[]) : [];
  const bundle = labels.find((l): l is string => typeof l === "string" && l.startsWith("bundle="))?.slice(7);
  return {
    id: raw.id,
    runtime,
    initPid: typeof raw.init_process_pid === "number" ? raw.init_process_pid : undefined,
    bundle,
    created: typeof raw.created === "string" ? raw.created : undefined,
    cgroupV2: unified && cgroup2Mount ? relativeTo(cgroup2Mount, unified) : undefined,
    cgroupPaths: paths.map(([, v]) => v),
  };
}

function relativeTo(mount: string, abs: string): string | undefined {
  const m = mount.endsWith("/") ? mount.slice(0, -1) : mount;
  if (abs === m) return "/";
  return abs.startsWith(`${m}/`) ? abs.slice(m.length) : undefined;
}
