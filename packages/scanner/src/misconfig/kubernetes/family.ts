import { labelSelectorMatches } from "@bulwark/model";
import type { RawFinding } from "../raw.js";
import { runRules, type Hit } from "../rules.js";
import { ANNOTATION, annotationDirectives, type Directive } from "../suppress.js";
import type { Path, YamlDoc } from "../yaml-source.js";
import { NETPOL_META } from "./object-rules.js";
import {
  asObj,
  asStr,
  containersOf,
  objectsOfDoc,
  podOf,
  type K8sObject,
  type PodTarget,
} from "./objects.js";
import { kubernetesContainerRules, ruleSets } from "../registry.js";
import {
  endpointLabels,
  NAMESPACE_NETPOL_META,
  namespacesWithoutPolicy,
  policySelectors,
  type PolicySelector,
} from "../network/policies.js";

interface Workload {
  raw: Omit<RawFinding, "meta">;
  namespace: string;
  labels: Record<string, unknown>;
}

interface Deferred {
  raw: RawFinding;
  namespace: string;
  serviceAccount: string;
}

/**
 * Kubernetes and RBAC checks. Files are checked as they come; the two checks that need
 * the whole set of manifests (NetworkPolicy coverage, automount set on the ServiceAccount)
 * are settled in `finish`.
 */
export class KubernetesFamily {
  private readonly containerRules;
  private readonly workloads: Workload[] = [];
  private readonly policies: PolicySelector[] = [];
  private readonly automountOffAccounts = new Set<string>();
  private readonly deferredAutomount: Deferred[] = [];

  constructor(
    readonly evaluated: Set<string>,
    options: { allowedRegistries?: readonly string[]; disabled?: ReadonlySet<string> } = {},
  ) {
    this.containerRules = kubernetesContainerRules(options.allowedRegistries);
    this.disabled = options.disabled;
  }
  private readonly disabled?: ReadonlySet<string>;

  /** True when the document is a Kubernetes object (or a List of them). */
  static isKubernetes(doc: YamlDoc): boolean {
    const v = asObj(doc.value);
    return typeof v?.apiVersion === "string" && typeof v.kind === "string";
  }

  checkDocument(file: string, doc: YamlDoc, inline: readonly Directive[]): RawFinding[] {
    const out: RawFinding[] = [];
    for (const obj of objectsOfDoc(file, doc)) out.push(...this.checkObject(obj, inline));
    return out;
  }

  private checkObject(obj: K8sObject, inline: readonly Directive[]): RawFinding[] {
    const meta = asObj(obj.value.metadata) ?? {};
    const resource = {
      kind: obj.kind,
      ...(obj.namespace ? { namespace: obj.namespace } : {}),
      name: obj.name,
    };
    const annotationsOf = (m: unknown, path: Path): Directive[] =>
      annotationDirectives(
        asObj(asObj(m)?.annotations)?.[ANNOTATION],
        obj.doc.lineAt([...path, "annotations", ANNOTATION]),
      );
    const annotations = annotationsOf(meta, [...obj.path, "metadata"]);
    const base = (line: number) => ({
      file: obj.file,
      line,
      resource,
      scope: { line, headerStart: obj.doc.headerStartLine, start: obj.doc.startLine, end: obj.doc.endLine },
      inline,
      annotations,
    });
    const toRaw = (h: Hit<Path>): RawFinding => ({
      ...base(obj.doc.lineAt(h.at)),
      meta: h.rule,
      message: h.message,
    });

    const hits: Hit<Path>[] = runRules(ruleSets.kubernetesObject, obj, this.evaluated, this.disabled);
    this.noteClusterFacts(obj);
    const pod = podOf(obj);
    if (pod) {
      annotations.push(...annotationsOf(pod.meta, pod.metaPath));
      hits.push(...runRules(ruleSets.kubernetesPod, pod, this.evaluated, this.disabled));
      for (const c of containersOf(pod))
        for (const h of runRules(this.containerRules, c, this.evaluated, this.disabled))
          hits.push({
            ...h,
            message: `${CONTAINER_LABEL[c.type]} "${c.name}"${h.message ? `: ${h.message}` : ""}`,
          });
      this.noteWorkload(pod, base(obj.doc.lineAt([...obj.path, "metadata"])));
    }
    const out: RawFinding[] = [];
    for (const h of mergeSameLine(hits, obj.doc)) {
      const raw = toRaw(h);
      if (pod && h.rule.id === "BW-K8S-024" && pod.spec.automountServiceAccountToken === undefined) {
        this.deferredAutomount.push({
          raw,
          namespace: obj.namespace ?? "",
          serviceAccount: serviceAccountOf(pod),
        });
      } else out.push(raw);
    }
    return out;
  }

  private noteClusterFacts(obj: K8sObject): void {
    this.policies.push(...policySelectors(obj));
    if (obj.kind === "ServiceAccount" && obj.value.automountServiceAccountToken === false)
      this.automountOffAccounts.add(`${obj.namespace ?? ""}/${obj.name}`);
  }

  private noteWorkload(pod: PodTarget, raw: Omit<RawFinding, "meta">): void {
    if (this.disabled?.has(NETPOL_META.id) && this.disabled.has(NAMESPACE_NETPOL_META.id)) return;
    this.workloads.push({ raw, namespace: pod.obj.namespace ?? "", labels: asObj(pod.meta.labels) ?? {} });
  }

  /** Settles the checks that depend on other manifests of the same scan. */
  finish(): RawFinding[] {
    const out: RawFinding[] = [];
    for (const d of this.deferredAutomount)
      if (!this.automountOffAccounts.has(`${d.namespace}/${d.serviceAccount}`)) out.push(d.raw);
    if (this.workloads.length && !this.disabled?.has(NAMESPACE_NETPOL_META.id)) {
      this.evaluated.add(NAMESPACE_NETPOL_META.id);
      out.push(...namespacesWithoutPolicy(this.workloads, this.policies));
    }
    if (this.disabled?.has(NETPOL_META.id)) return out;
    if (this.workloads.length) this.evaluated.add(NETPOL_META.id);
    for (const w of this.workloads) {
      const labels = endpointLabels(w.namespace, w.labels);
      const covered = this.policies.some(
        (p) =>
          (p.namespace === w.namespace || p.namespace === "*") && labelSelectorMatches(p.selector, labels),
      );
      if (!covered) out.push({ ...w.raw, meta: NETPOL_META });
    }
    return out;
  }
}

const CONTAINER_LABEL = {
  containers: "container",
  initContainers: "init container",
  ephemeralContainers: "ephemeral container",
} as const;

/**
 * One finding per check and line: a pod-level setting inherited by several containers
 * is reported once, naming every container.
 */
function mergeSameLine(hits: Hit<Path>[], doc: YamlDoc): Hit<Path>[] {
  const seen = new Map<string, Hit<Path>>();
  for (const h of hits) {
    const key = `${h.rule.id}@${doc.lineAt(h.at)}`;
    const prev = seen.get(key);
    if (!prev) seen.set(key, { ...h });
    else if (h.message && prev.message !== h.message) prev.message = `${prev.message ?? ""}; ${h.message}`;
  }
  return [...seen.values()];
}

function serviceAccountOf(pod: PodTarget): string {
  return asStr(pod.spec.serviceAccountName) ?? asStr(pod.spec.serviceAccount) ?? "default";
}
