/**
 * Container metadata from an OCI bundle: config.json (annotations, capabilities, mounts,
 * user) and, for bundles unpacked by umoci, umoci.json (the manifest digest and the
 * image's ref name). Annotation keys are the ones the runtimes set: CRI
 * (`io.kubernetes.cri.*`), CRI-O (`io.kubernetes.cri-o.*` / `io.kubernetes.pod.*`),
 * nerdctl (`nerdctl/name`), and the OCI image annotations.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerInfo, K8sInfo, MountInfo } from "../events/index.js";

export interface BundleMeta {
  container: Partial<ContainerInfo>;
  k8s?: K8sInfo;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(path, "utf8"));
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const first = (a: Record<string, string>, keys: string[]): string | undefined => {
  for (const k of keys) if (a[k]) return a[k];
  return undefined;
};

export function readBundleMeta(bundle: string): BundleMeta {
  const config = readJson(join(bundle, "config.json")) ?? {};
  const annotations = stringRecord(config.annotations);
  const proc = (config.process ?? {}) as { user?: { uid?: unknown }; capabilities?: { bounding?: unknown } };
  const caps = Array.isArray(proc.capabilities?.bounding)
    ? proc.capabilities.bounding.filter((c): c is string => typeof c === "string")
    : undefined;
  const umoci = readUmoci(bundle);
  const image =
    first(annotations, [
      "io.kubernetes.cri.image-name",
      "io.kubernetes.cri-o.ImageName",
      "org.opencontainers.image.ref.name",
    ]) ?? umoci?.ref;
  const container: Partial<ContainerInfo> = {
    name: first(annotations, [
      "io.kubernetes.cri.container-name",
      "io.kubernetes.container.name",
      "nerdctl/name",
      "io.podman.annotations.name",
    ]),
    image,
    imageDigest:
      first(annotations, ["org.opencontainers.image.manifest.digest", "io.kubernetes.cri.image-digest"]) ??
      umoci?.digest,
    labels: Object.keys(annotations).length > 0 ? annotations : undefined,
    capabilities: caps,
    privileged: caps ? caps.includes("CAP_SYS_ADMIN") : undefined,
    mounts: readMounts(config.mounts),
    user: typeof proc.user?.uid === "number" ? String(proc.user.uid) : undefined,
  };
  if (image) Object.assign(container, splitImage(image));
  return { container, k8s: k8sFrom(annotations) };
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

function readMounts(v: unknown): MountInfo[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.flatMap((m: { source?: unknown; destination?: unknown; options?: unknown }) =>
    typeof m?.destination === "string"
      ? [
          {
            source: typeof m.source === "string" ? m.source : "",
            destination: m.destination,
            readOnly: Array.isArray(m.options) ? m.options.includes("ro") : undefined,
          },
        ]
      : [],
  );
}

function readUmoci(bundle: string): { digest?: string; ref?: string } | undefined {
  const u = readJson(join(bundle, "umoci.json")) as
    | {
        from_descriptor_path?: {
          descriptor_walk?: Array<{ digest?: unknown; annotations?: Record<string, unknown> }>;
        };
      }
    | undefined;
  const d = u?.from_descriptor_path?.descriptor_walk?.[0];
  if (!d) return undefined;
  const ref = d.annotations?.["org.opencontainers.image.ref.name"];
  return {
    digest: typeof d.digest === "string" ? d.digest : undefined,
    ref: typeof ref === "string" ? ref : undefined,
  };
}

/** "registry/repo:tag@sha256:…" → repository and tag (digest handled by the caller). */
export function splitImage(ref: string): { imageRepository: string; imageTag?: string } {
  const noDigest = ref.split("@")[0] ?? ref;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash
    ? { imageRepository: noDigest.slice(0, colon), imageTag: noDigest.slice(colon + 1) }
    : { imageRepository: noDigest };
}

function k8sFrom(a: Record<string, string>): K8sInfo | undefined {
  const podName = first(a, ["io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name"]);
  const namespace = first(a, ["io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace"]);
  if (!podName || !namespace) return undefined;
  return {
    podName,
    namespace,
    podUid: first(a, ["io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid"]),
    containerName: first(a, ["io.kubernetes.cri.container-name", "io.kubernetes.container.name"]),
  };
}
