import { asArr, asStr, containersOf, podOf, type K8sObject } from "../kubernetes/objects.js";
import type { Path } from "../yaml-source.js";

/**
 * Command-line flags of the control plane components in their static Pod manifests
 * (kubeadm writes them to /etc/kubernetes/manifests; managed distributions ship the same
 * shape). A component is recognised by its binary name in command or args.
 */
export const COMPONENTS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ComponentFlags {
  component: Component;
  /** `--name` → value ("" for a bare flag) and where it is written. */
  flags: Map<string, { value: string; path: Path }>;
  /** The container, for reporting a missing flag. */
  path: Path;
}

const cache = new WeakMap<object, ComponentFlags | null>();

export function componentOf(obj: K8sObject): ComponentFlags | undefined {
  const hit = cache.get(obj.value);
  if (hit !== undefined) return hit ?? undefined;
  const found = findComponent(obj);
  cache.set(obj.value, found ?? null);
  return found;
}

function findComponent(obj: K8sObject): ComponentFlags | undefined {
  const pod = podOf(obj);
  if (!pod) return undefined;
  for (const c of containersOf(pod)) {
    const words: Array<{ w: string; path: Path }> = [];
    for (const key of ["command", "args"] as const)
      for (const [i, w] of asArr(c.c[key]).entries()) {
        const s = asStr(w);
        if (s !== undefined) words.push({ w: s, path: [...c.path, key, i] });
      }
    const bin = words.find((x) => !x.w.startsWith("-"))?.w.replace(/^.*\//, "");
    const component = COMPONENTS.find((n) => n === bin);
    if (!component) continue;
    const flags = new Map<string, { value: string; path: Path }>();
    for (let i = 0; i < words.length; i++) {
      const m = /^--?([A-Za-z0-9-]+)(?:=([\s\S]*))?$/.exec(words[i]!.w);
      if (!m) continue;
      let value = m[2];
      const path = words[i]!.path;
      // `--flag value` form: the next word when it is not a flag itself.
      if (value === undefined && words[i + 1] && !words[i + 1]!.w.startsWith("-")) value = words[++i]!.w;
      flags.set(m[1]!, { value: value ?? "", path });
    }
    return { component, flags, path: c.path };
  }
  return undefined;
}

/** Comma-separated list flag (admission plugins, authorization modes, feature gates). */
export function listFlag(f: ComponentFlags, name: string): string[] {
  return (f.flags.get(name)?.value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `--feature-gates=A=true,B=false` → { A: "true", B: "false" }. */
export function featureGate(f: ComponentFlags, gate: string): string | undefined {
  for (const kv of listFlag(f, "feature-gates")) {
    const [k, v] = kv.split("=");
    if (k === gate) return v;
  }
  return undefined;
}
