import { execFileSync } from "node:child_process";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Kubernetes objects in tests

/**
 * Kubernetes objects as real `kubectl` (Debian's kubernetes-client) produces them offline
 * with `create … --dry-run=client -o json`. kubectl cannot make Pods, StatefulSets,
 * DaemonSets or ReplicaSets without an API server, so those are derived from the
 * Deployment kubectl made: same pod template, the kind's own field layout.
 */
export function kubectlCreate(kind: "deployment" | "job" | "cronjob", name: string, image: string): Obj {
  const extra = kind === "cronjob" ? ["--schedule", "*/5 * * * *"] : [];
  const out = execFileSync(
    "kubectl",
    ["create", kind, name, `--image=${image}`, ...extra, "--dry-run=client", "-o", "json"],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  return JSON.parse(out.toString()) as Obj;
}

export function workloadObject(kind: string, name: string, image: string): Obj {
  if (kind === "Job") return kubectlCreate("job", name, image);
  if (kind === "CronJob") return kubectlCreate("cronjob", name, image);
  const d = kubectlCreate("deployment", name, image);
  if (kind === "Deployment") return d;
  if (kind === "Pod")
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels: d.spec.template.metadata.labels },
      spec: d.spec.template.spec,
    };
  const { strategy: _s, ...spec } = d.spec as Obj;
  return { ...d, kind, spec: kind === "StatefulSet" ? { ...spec, serviceName: name } : spec };
}

export function admissionReview(
  object: Obj,
  namespace = "default",
  uid = "0b4e1a2c-1111-4c3b-9a55-5f1f2e3d4c5b",
): Obj {
  const [group, version] = String(object.apiVersion).includes("/")
    ? String(object.apiVersion).split("/")
    : ["", object.apiVersion];
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group, version, kind: object.kind },
      resource: { group, version, resource: `${String(object.kind).toLowerCase()}s` },
      namespace,
      name: object.metadata?.name,
      operation: "CREATE",
      userInfo: { username: "kubernetes-admin" },
      object: { ...object, metadata: { ...object.metadata, namespace } },
      dryRun: false,
    },
  };
}
