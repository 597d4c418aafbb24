import { asArr, asObj, asStr, type Obj } from "../kubernetes/objects.js";

/** The kustomization fields applied to every resource, in kustomize's order. */
export interface Transforms {
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  commonLabels?: Record<string, string>;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors: boolean }>;
  commonAnnotations?: Record<string, string>;
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
}

/** Kinds that live outside namespaces (a namespace transform leaves them alone). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
  "Node",
  "CiliumClusterwideNetworkPolicy",
  "IngressClass",
  "RuntimeClass",
]);

const TEMPLATE: Record<string, string[]> = {
  Deployment: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

const clone = <T>(v: T): T => structuredClone(v);
const ensure = (o: Obj, k: string): Obj => (asObj(o[k]) ? (o[k] as Obj) : ((o[k] = {}) as Obj));

function podTemplate(obj: Obj): Obj | undefined {
  const path = TEMPLATE[asStr(obj.kind) ?? ""];
  if (!path) return obj.kind === "Pod" ? obj : undefined;
  let node: Obj | undefined = obj;
  for (const k of path) node = asObj(node?.[k]);
  return node;
}

/** Applies the transforms to a copy of `obj`; `renamed` maps old → new names for references. */
export function transform(obj: Obj, t: Transforms, renamed: Map<string, string>): Obj {
  const out = clone(obj);
  const meta = ensure(out, "metadata");
  const kind = asStr(out.kind) ?? "";
  if (t.namespace && !CLUSTER_SCOPED.has(kind)) meta.namespace = t.namespace;
  const name = asStr(meta.name);
  if (name && (t.namePrefix || t.nameSuffix) && kind !== "Namespace" && kind !== "CustomResourceDefinition") {
    const next = `${t.namePrefix ?? ""}${name}${t.nameSuffix ?? ""}`;
    renamed.set(`${kind}/${name}`, next);
    meta.name = next;
  }
  const labelSets = [
    ...(t.commonLabels ? [{ pairs: t.commonLabels, includeSelectors: true }] : []),
    ...(t.labels ?? []),
  ];
  const tpl = podTemplate(out);
  for (const { pairs, includeSelectors } of labelSets) {
    Object.assign(ensure(meta, "labels"), pairs);
    if (!includeSelectors) continue;
    if (tpl && tpl !== out) Object.assign(ensure(ensure(tpl, "metadata"), "labels"), pairs);
    const spec = asObj(out.spec);
    if (spec && TEMPLATE[kind] && kind !== "CronJob" && kind !== "Job")
      Object.assign(ensure(ensure(spec, "selector"), "matchLabels"), pairs);
    if (spec && kind === "Service") Object.assign(ensure(spec, "selector"), pairs);
  }
  if (t.commonAnnotations) {
    Object.assign(ensure(meta, "annotations"), t.commonAnnotations);
    if (tpl && tpl !== out)
      Object.assign(ensure(ensure(tpl, "metadata"), "annotations"), t.commonAnnotations);
  }
  if (tpl && t.images?.length) rewriteImages(asObj(tpl.spec) ?? {}, t.images);
  if (t.namespace && (kind === "RoleBinding" || kind === "ClusterRoleBinding"))
    for (const s of asArr(out.subjects).map(asObj))
      if (s?.kind === "ServiceAccount" && !s.namespace) s.namespace = t.namespace;
  return out;
}

function rewriteImages(spec: Obj, images: NonNullable<Transforms["images"]>): void {
  for (const type of ["initContainers", "containers", "ephemeralContainers"])
    for (const c of asArr(spec[type]).map(asObj)) {
      const image = asStr(c?.image);
      if (!c || !image) continue;
      const m = /^(.*?)(?::([^:/@]+))?(?:@(sha256:[0-9a-f]+))?$/.exec(image);
      const [, repo = image, tag, digest] = m ?? [];
      const rule = images.find((i) => i.name === repo);
      if (!rule) continue;
      const newDigest = rule.digest ?? (rule.newTag ? undefined : digest);
      const newTag = rule.newTag ?? (rule.digest ? undefined : tag);
      c.image = `${rule.newName ?? repo}${newTag ? `:${newTag}` : ""}${newDigest ? `@${newDigest}` : ""}`;
    }
}

/** After every resource is renamed: point references (roleRef, subjects, service accounts) at the new names. */
export function fixReferences(obj: Obj, renamed: Map<string, string>): void {
  const kind = asStr(obj.kind);
  if (kind === "RoleBinding" || kind === "ClusterRoleBinding") {
    const ref = asObj(obj.roleRef);
    const next = ref && renamed.get(`${asStr(ref.kind)}/${asStr(ref.name)}`);
    if (ref && next) ref.name = next;
    for (const s of asArr(obj.subjects).map(asObj)) {
      const n = s && renamed.get(`${asStr(s.kind)}/${asStr(s.name)}`);
      if (s && n) s.name = n;
    }
  }
  const spec = asObj(podTemplate(obj)?.spec);
  const sa = asStr(spec?.serviceAccountName);
  const next = sa && renamed.get(`ServiceAccount/${sa}`);
  if (spec && next) spec.serviceAccountName = next;
}
