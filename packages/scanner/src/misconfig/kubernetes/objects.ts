import type { Path, YamlDoc } from "../yaml-source.js";

export type Obj = Record<string, unknown>;

/** One Kubernetes object found in a file (a document or an item of a List). */
export interface K8sObject {
  file: string;
  doc: YamlDoc;
  /** Where the object sits inside its document ([] or ["items", i]). */
  path: Path;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  value: Obj;
}

export function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}
export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function asStr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Objects of a document: the document itself or, for `*List` kinds, its items. */
export function objectsOfDoc(file: string, doc: YamlDoc): K8sObject[] {
  const root = asObj(doc.value);
  if (!root) return [];
  const kind = asStr(root.kind);
  if (kind && kind.endsWith("List") && Array.isArray(root.items)) {
    return root.items.flatMap((item, i) => {
      const o = toObject(file, doc, ["items", i], asObj(item));
      return o ? [o] : [];
    });
  }
  const o = toObject(file, doc, [], root);
  return o ? [o] : [];
}

function toObject(file: string, doc: YamlDoc, path: Path, v: Obj | undefined): K8sObject | undefined {
  if (!v) return undefined;
  const apiVersion = asStr(v.apiVersion);
  const kind = asStr(v.kind);
  if (!apiVersion || !kind) return undefined;
  const meta = asObj(v.metadata) ?? {};
  return {
    file,
    doc,
    path,
    apiVersion,
    kind,
    name: asStr(meta.name) ?? asStr(meta.generateName) ?? "",
    namespace: asStr(meta.namespace),
    value: v,
  };
}

/** Where the pod spec and pod metadata sit, per workload kind. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: [],
  PodTemplate: ["template"],
  Deployment: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

/** Kinds whose pods are expected to keep running (probes matter for them). */
export const LONG_RUNNING = new Set([
  "Pod",
  "Deployment",
  "ReplicaSet",
  "ReplicationController",
  "StatefulSet",
  "DaemonSet",
]);

export interface PodTarget {
  obj: K8sObject;
  spec: Obj;
  specPath: Path;
  /** Pod (template) metadata: annotations and labels. */
  meta: Obj;
  metaPath: Path;
}

export function podOf(obj: K8sObject): PodTarget | undefined {
  const rel = POD_TEMPLATE_PATHS[obj.kind];
  if (!rel) return undefined;
  let node: Obj | undefined = obj.value;
  for (const seg of rel) node = asObj(node?.[seg]);
  const spec = asObj(node?.spec);
  if (!node || !spec) return undefined;
  const base = [...obj.path, ...rel];
  return {
    obj,
    spec,
    specPath: [...base, "spec"],
    meta: asObj(node.metadata) ?? {},
    metaPath: [...base, "metadata"],
  };
}

export type ContainerType = "containers" | "initContainers" | "ephemeralContainers";

export interface ContainerTarget {
  pod: PodTarget;
  type: ContainerType;
  c: Obj;
  name: string;
  path: Path;
  /** The container's own securityContext (empty when unset). */
  sc: Obj;
  /** The pod-level securityContext (empty when unset). */
  podSc: Obj;
}

export function containersOf(pod: PodTarget): ContainerTarget[] {
  const out: ContainerTarget[] = [];
  const podSc = asObj(pod.spec.securityContext) ?? {};
  for (const type of ["initContainers", "containers", "ephemeralContainers"] as const) {
    for (const [i, raw] of asArr(pod.spec[type]).entries()) {
      const c = asObj(raw);
      if (!c) continue;
      out.push({
        pod,
        type,
        c,
        name: asStr(c.name) ?? `${type}[${i}]`,
        path: [...pod.specPath, type, i],
        sc: asObj(c.securityContext) ?? {},
        podSc,
      });
    }
  }
  return out;
}

/**
 * A field that the container's securityContext overrides from the pod's
 * (runAsUser, runAsGroup, runAsNonRoot, seccompProfile, appArmorProfile, seLinuxOptions).
 * Returns the value and where it was set.
 */
export function inherited(t: ContainerTarget, field: string): { value: unknown; path: Path } | undefined {
  if (t.sc[field] !== undefined) return { value: t.sc[field], path: [...t.path, "securityContext", field] };
  if (t.podSc[field] !== undefined)
    return { value: t.podSc[field], path: [...t.pod.specPath, "securityContext", field] };
  return undefined;
}

export function annotations(meta: Obj): Obj {
  return asObj(meta.annotations) ?? {};
}

/** Capabilities named in securityContext.capabilities.add/drop, upper-case without CAP_. */
export function caps(t: ContainerTarget, which: "add" | "drop"): string[] {
  const capsObj = asObj(t.sc.capabilities);
  return asArr(capsObj?.[which])
    .filter((x): x is string => typeof x === "string")
    .map((x) => x.toUpperCase().replace(/^CAP_/, ""));
}
