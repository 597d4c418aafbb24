import { PolicyError } from "../errors.js";

/** The parts of an AdmissionReview request the webhook reads. */
export interface AdmissionRequest {
  uid: string;
  kind: string;
  namespace: string;
  name: string;
  operation: string;
  object: Record<string, unknown>;
}

export interface ContainerImage {
  /** "containers[0]", "initContainers[1]"… */
  container: string;
  name: string;
  image: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
const bad = (msg: string): never => {
  throw new PolicyError("ADMISSION_INVALID", msg);
};

/** Validate an AdmissionReview v1 body; anything else is a clear 400, never a guess. */
export function parseReview(body: unknown): AdmissionRequest {
  const review = obj(body) ?? bad("body is not a JSON object");
  if (review.apiVersion !== "admission.k8s.io/v1")
    bad(`apiVersion must be admission.k8s.io/v1, not ${JSON.stringify(review.apiVersion)}`);
  if (review.kind !== "AdmissionReview")
    bad(`kind must be AdmissionReview, not ${JSON.stringify(review.kind)}`);
  const req = obj(review.request) ?? bad("request is missing");
  if (typeof req.uid !== "string" || !req.uid) bad("request.uid is missing");
  const kind = obj(req.kind)?.kind;
  if (typeof kind !== "string") bad("request.kind.kind is missing");
  const object = obj(req.object) ?? bad("request.object is missing (DELETE is not validated)");
  const meta = obj(object.metadata) ?? {};
  const namespace =
    typeof req.namespace === "string"
      ? req.namespace
      : typeof meta.namespace === "string"
        ? meta.namespace
        : "";
  const name =
    typeof req.name === "string" && req.name ? req.name : String(meta.name ?? meta.generateName ?? "");
  return {
    uid: req.uid as string,
    kind: kind as string,
    namespace,
    name,
    operation: String(req.operation ?? ""),
    object,
  };
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATH: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export const WORKLOAD_KINDS = Object.keys(POD_SPEC_PATH);

/** The pod spec of a Pod or of a workload's template; undefined for kinds without one. */
export function podSpecOf(kind: string, object: Obj): Obj | undefined {
  const path = POD_SPEC_PATH[kind];
  if (!path) return undefined;
  let cur: Obj | undefined = object;
  for (const p of path) cur = obj(cur?.[p]);
  return cur ?? bad(`${kind} has no ${path.join(".")}`);
}

const MAX_CONTAINERS = 256;

export function imagesOf(spec: Obj): ContainerImage[] {
  const out: ContainerImage[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    const list = spec[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) bad(`${field} is not a list`);
    for (const [i, c] of (list as unknown[]).entries()) {
      const image = obj(c)?.image;
      if (typeof image !== "string" || !image) bad(`${field}[${i}].image is missing`);
      out.push({ container: `${field}[${i}]`, name: String(obj(c)?.name ?? ""), image: image as string });
    }
  }
  if (out.length > MAX_CONTAINERS) bad(`more than ${MAX_CONTAINERS} containers`);
  return out;
}

export interface ReviewAnswer {
  allowed: boolean;
  message?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/** The AdmissionReview response Kubernetes expects (same uid, `response.allowed`). */
export function reviewResponse(uid: string, a: ReviewAnswer): object {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: {
      uid,
      allowed: a.allowed,
      ...(a.message ? { status: { code: a.allowed ? 200 : 403, message: a.message } } : {}),
      ...(a.warnings?.length ? { warnings: a.warnings } : {}),
      ...(a.auditAnnotations ? { auditAnnotations: a.auditAnnotations } : {}),
    },
  };
}
