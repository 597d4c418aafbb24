/**
 * Exposure of container images from Kubernetes manifests: which Services select a workload's
 * pods (NodePort and LoadBalancer reach past the cluster, as do externalIPs), whether an
 * Ingress routes to one of them, and host ports or the host network; a NetworkPolicy that
 * admits nothing to a workload's pods takes its Service and Ingress exposure away. The
 * documents are untrusted input: anything not shaped as expected is skipped, never thrown on.
 */
import { ingressDenial } from "./network-policy.js";
import { labelsOf, list, obj, str, type Obj } from "./shape.js";
import type { RuntimeContext } from "./types.js";

type Exposure = NonNullable<RuntimeContext["exposure"]>;

export interface ManifestExposure {
  image: string;
  namespace: string;
  /** "Deployment/web", "Pod/x", … */
  workload: string;
  /** The most exposed type among the Services that select it (LoadBalancer > NodePort > ClusterIP). */
  serviceType?: string;
  services: string[];
  ingress: boolean;
  hostPorts: number[];
}

const WORKLOADS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "Job",
  "ReplicationController",
]);
const TYPE_RANK: Record<string, number> = { ClusterIP: 0, NodePort: 1, LoadBalancer: 2 };
// Other types ("ClusterIP with externalIPs") reach past the cluster like a NodePort.
const rank = (type: string): number => TYPE_RANK[type] ?? 1;

/** The most exposed of some Service types, or undefined for none. */
const mostExposed = (types: Array<string | undefined>): string | undefined =>
  types.reduce<string | undefined>(
    (a, t) => (t !== undefined && (a === undefined || rank(t) > rank(a)) ? t : a),
    undefined,
  );

interface Pods {
  kind: string;
  name: string;
  namespace: string;
  labels: Map<string, string>;
  spec: Obj;
}

/** A document's pod template (or the Pod itself), with the workload that owns it. */
function podsOf(doc: Obj): Pods | undefined {
  const kind = str(doc.kind) ?? "";
  const meta = obj(doc.metadata) ?? {};
  const name = str(meta.name) ?? "?";
  const namespace = str(meta.namespace) ?? "default";
  let template: Obj | undefined;
  if (kind === "Pod") template = doc;
  else if (WORKLOADS.has(kind)) template = obj(obj(doc.spec)?.template);
  else if (kind === "CronJob") template = obj(obj(obj(obj(doc.spec)?.jobTemplate)?.spec)?.template);
  const spec = obj(template?.spec);
  if (!template || !spec) return undefined;
  return { kind, name, namespace, labels: labelsOf(obj(template.metadata)?.labels), spec };
}

interface Service {
  name: string;
  namespace: string;
  type: string;
  selector: Map<string, string>;
}

function serviceOf(doc: Obj): Service | undefined {
  if (doc.kind !== "Service") return undefined;
  const meta = obj(doc.metadata) ?? {};
  const spec = obj(doc.spec) ?? {};
  const selector = labelsOf(spec.selector);
  // A Service without a selector selects no pods (its endpoints are managed by hand).
  if (selector.size === 0) return undefined;
  const external = list(spec.externalIPs).length > 0;
  const type = str(spec.type) ?? "ClusterIP";
  return {
    name: str(meta.name) ?? "?",
    namespace: str(meta.namespace) ?? "default",
    type: external && type === "ClusterIP" ? "ClusterIP with externalIPs" : type,
    selector,
  };
}

/** "namespace/service" names that Ingresses route to. */
function ingressBackends(docs: Obj[]): Set<string> {
  const out = new Set<string>();
  for (const doc of docs) {
    if (doc.kind !== "Ingress") continue;
    const namespace = str(obj(doc.metadata)?.namespace) ?? "default";
    const spec = obj(doc.spec) ?? {};
    const backends = [obj(spec.defaultBackend)];
    for (const rule of list(spec.rules))
      for (const path of list(obj(obj(rule)?.http)?.paths)) backends.push(obj(obj(path)?.backend));
    for (const b of backends) {
      const name = str(obj(b?.service)?.name) ?? str(b?.serviceName);
      if (name) out.add(`${namespace}/${name}`);
    }
  }
  return out;
}

const selects = (s: Service, p: Pods): boolean =>
  s.namespace === p.namespace && [...s.selector].every(([k, v]) => p.labels.get(k) === v);

function hostPortsOf(spec: Obj, container: Obj): number[] {
  const ports = list(container.ports)
    .map((p) => obj(p)?.hostPort)
    .filter((n): n is number => typeof n === "number" && Number.isInteger(n) && n > 0);
  // On the host network every listening port is the node's.
  if (spec.hostNetwork === true)
    for (const p of list(container.ports)) {
      const n = obj(p)?.containerPort;
      if (typeof n === "number" && Number.isInteger(n) && n > 0) ports.push(n);
    }
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** Exposure per container image of every workload in `documents` (parsed YAML, any shape). */
export function exposureFromManifests(documents: readonly unknown[]): ManifestExposure[] {
  const docs = documents.map(obj).filter((d): d is Obj => d !== undefined);
  const services = docs.map(serviceOf).filter((s): s is Service => s !== undefined);
  const routed = ingressBackends(docs);
  const denied = ingressDenial(docs);
  const out: ManifestExposure[] = [];
  for (const pods of docs.map(podsOf)) {
    if (!pods) continue;
    const selecting = services.filter((s) => selects(s, pods));
    // Traffic through a Service or an Ingress reaches the pods, where the policies apply; host
    // ports are left as they are (whether policies cover them depends on the network plugin).
    const reachable = !denied(pods) || pods.spec.hostNetwork === true;
    const top = selecting.reduce<Service | undefined>(
      (a, s) => (!a || rank(s.type) > rank(a.type) ? s : a),
      undefined,
    );
    const containers = [...list(pods.spec.containers), ...list(pods.spec.initContainers)];
    for (const c of containers.map(obj)) {
      const image = str(c?.image);
      if (!c || !image) continue;
      out.push({
        image,
        namespace: pods.namespace,
        workload: `${pods.kind}/${pods.name}`,
        ...(top && reachable ? { serviceType: top.type } : {}),
        services: selecting.map((s) => s.name).sort(),
        ingress: reachable && selecting.some((s) => routed.has(`${s.namespace}/${s.name}`)),
        hostPorts: hostPortsOf(pods.spec, c),
      });
    }
  }
  return out;
}

/**
 * A reference in its full form, so that "nginx" in a manifest and "docker.io/library/nginx:latest"
 * in a report name the same image: Docker Hub when the first part is no host, "library/" for
 * its one-part names, ":latest" without a tag or digest.
 */
export function fullReference(ref: string): string {
  let name = ref;
  const first = name.split("/")[0] ?? "";
  if (!name.includes("/") || !(first.includes(".") || first.includes(":") || first === "localhost"))
    name = `docker.io/${name}`;
  if (/^docker\.io\/[^/]+$/.test(name.split(/[@:]/)[0] ?? ""))
    name = name.replace("docker.io/", "docker.io/library/");
  const last = name.slice(name.lastIndexOf("/") + 1);
  if (!last.includes(":") && !last.includes("@")) name = `${name}:latest`;
  return name;
}

/** The digest an image reference pins (`…@sha256:…`), if any. */
const pinned = (ref: string): string | undefined => /@(sha256:[a-f0-9]{64})$/.exec(ref)?.[1];

/**
 * The exposure of one image (named by its references and digests) over all workloads that run
 * it: any Ingress, the most exposed Service type, every host port. Undefined when no workload
 * in the manifests runs it.
 */
export function exposureOfImage(
  all: readonly ManifestExposure[],
  names: { refs: readonly string[]; digests: readonly string[] },
): Exposure | undefined {
  const refs = new Set(names.refs.map(fullReference));
  const mine = all.filter((e) => {
    const digest = pinned(e.image);
    return refs.has(fullReference(e.image)) || (digest !== undefined && names.digests.includes(digest));
  });
  if (mine.length === 0) return undefined;
  const exposure: Exposure = {};
  const top = mostExposed(mine.map((e) => e.serviceType));
  if (top) exposure.serviceType = top;
  if (mine.some((e) => e.ingress)) exposure.ingress = true;
  const hostPorts = [...new Set(mine.flatMap((e) => e.hostPorts))].sort((a, b) => a - b);
  if (hostPorts.length) exposure.hostPorts = hostPorts;
  return exposure;
}

/** Evidence from several sources about one image: each exposure adds to the others. */
export function mergeExposure(a: Exposure | undefined, b: Exposure | undefined): Exposure | undefined {
  if (!a || !b) return a ?? b;
  const out: Exposure = { ...a, ...b };
  const type = mostExposed([a.serviceType, b.serviceType]);
  if (type) out.serviceType = type;
  if (a.ingress || b.ingress) out.ingress = true;
  const union = (x?: number[], y?: number[]) =>
    [...new Set([...(x ?? []), ...(y ?? [])])].sort((m, n) => m - n);
  if (a.listeningPorts || b.listeningPorts) out.listeningPorts = union(a.listeningPorts, b.listeningPorts);
  if (a.hostPorts || b.hostPorts) out.hostPorts = union(a.hostPorts, b.hostPorts);
  if (a.northSouthFlows !== undefined || b.northSouthFlows !== undefined)
    out.northSouthFlows = Math.max(a.northSouthFlows ?? 0, b.northSouthFlows ?? 0);
  return out;
}
