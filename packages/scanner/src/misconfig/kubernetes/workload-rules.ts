import { NIST, NSA } from "../frameworks.js";
import { isSecretName, looksLikePlaceholder, mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";
import { imageAllowed, parseImageRef } from "./image-ref.js";
import { asArr, asObj, asStr, LONG_RUNNING, type ContainerTarget } from "./objects.js";

/** Container checks about resources, images, environment and probes (not the security context). */
type ContainerRule = Rule<ContainerTarget, Path>;
const k8s = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "kubernetes" });
const notEphemeral = (t: ContainerTarget): boolean => t.type !== "ephemeralContainers";

export function resourceRules(): ContainerRule[] {
  const limit = (
    id: string,
    res: "cpu" | "memory",
    trivy: string,
    checkov: string,
    kubescape: string,
  ): ContainerRule => ({
    meta: k8s({
      id,
      title: `Container has no ${res} limit`,
      severity: "LOW",
      why: `Without a ${res} limit one compromised or runaway container can starve every other pod on the node (denial of service).`,
      remediation: `Set resources.limits.${res} on the container (or a LimitRange default in the namespace).`,
      mappings: mapIds({
        cisDocker: [res === "cpu" ? "5.11" : "5.10"],
        nsa: [NSA.resources],
        nist: [NIST.orchMixing],
        trivy: [trivy],
        kubescape: [kubescape],
        checkov: [checkov],
      }),
    }),
    appliesTo: notEphemeral,
    check: (t, report) => {
      if (asObj(asObj(t.c.resources)?.limits)?.[res] === undefined)
        report([...t.path, "resources", "limits"]);
    },
  });
  return [
    limit("BW-K8S-018", "cpu", "KSV011", "CKV_K8S_11", "C-0050"),
    limit("BW-K8S-019", "memory", "KSV018", "CKV_K8S_13", "C-0004"),
    {
      meta: k8s({
        id: "BW-K8S-020",
        title: "Container has no CPU or memory request",
        severity: "LOW",
        why: "Without requests the scheduler cannot reserve capacity, so nodes are overcommitted and noisy or hostile neighbours can evict the workload.",
        remediation: "Set resources.requests.cpu and resources.requests.memory on the container.",
        mappings: mapIds({
          nsa: [NSA.resources],
          nist: [NIST.orchMixing],
          trivy: ["KSV015", "KSV016"],
          checkov: ["CKV_K8S_10", "CKV_K8S_12"],
        }),
      }),
      appliesTo: notEphemeral,
      check: (t, report) => {
        const req = asObj(asObj(t.c.resources)?.requests);
        const missing = ["cpu", "memory"].filter((r) => req?.[r] === undefined);
        if (missing.length)
          report([...t.path, "resources", "requests"], `no ${missing.join(" or ")} request`);
      },
    },
  ];
}

export function imageRules(allowedRegistries?: readonly string[]): ContainerRule[] {
  const rules: ContainerRule[] = [
    {
      meta: k8s({
        id: "BW-K8S-021",
        title: "Image uses the latest tag or no tag",
        severity: "MEDIUM",
        why: "A moving tag means the code that runs changes without a manifest change: a poisoned or broken push reaches production on the next restart and the deployment cannot be reproduced.",
        remediation:
          "Reference a specific version tag, ideally with its digest (image: repo:1.2.3@sha256:…).",
        mappings: mapIds({
          cisDocker: ["4.2"],
          nsa: [NSA.secureImages],
          nist: [NIST.untrustedImages],
          trivy: ["KSV013"],
          checkov: ["CKV_K8S_14"],
        }),
      }),
      check: (t, report) => {
        const image = asStr(t.c.image);
        if (!image) return;
        const ref = parseImageRef(image);
        if (!ref.digest && (!ref.tag || ref.tag === "latest")) report([...t.path, "image"], `image ${image}`);
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-022",
        title: "Image is not pinned by digest",
        severity: "LOW",
        why: "Tags can be re-pointed in the registry; only a digest guarantees the bytes that were reviewed and scanned are the bytes that run.",
        remediation: "Append the manifest digest: image: repo:1.2.3@sha256:<digest>.",
        mappings: mapIds({ nsa: [NSA.secureImages], nist: [NIST.untrustedImages], checkov: ["CKV_K8S_43"] }),
      }),
      check: (t, report) => {
        const image = asStr(t.c.image);
        if (image && !parseImageRef(image).digest) report([...t.path, "image"], `image ${image}`);
      },
    },
  ];
  if (allowedRegistries?.length) {
    rules.push({
      meta: REGISTRY_META,
      check: (t, report) => {
        const image = asStr(t.c.image);
        if (image && !imageAllowed(image, allowedRegistries))
          report([...t.path, "image"], `image ${image} is not from ${allowedRegistries.join(", ")}`);
      },
    });
  }
  return rules;
}

export const REGISTRY_META: CheckMeta = k8s({
  id: "BW-K8S-023",
  title: "Image comes from a registry outside the allowed list",
  severity: "MEDIUM",
  why: "Images from unvetted registries bypass the organisation's scanning and signing, and typosquatted public images are a known malware channel. (Runs only with --allowed-registries.)",
  remediation: "Mirror the image into an allowed registry and reference it there.",
  mappings: mapIds({ nsa: [NSA.secureImages], nist: [NIST.untrustedImages], kubescape: ["C-0078"] }),
});

export function envRules(): ContainerRule[] {
  return [
    {
      meta: k8s({
        id: "BW-K8S-027",
        title: "Secret-looking value written literally in env",
        severity: "HIGH",
        why: "A credential in the manifest is readable by anyone with access to the repository, the rendered chart or `get pods`, and stays in version history.",
        remediation:
          "Move the value into a Secret (ideally an external secret store) and mount it as a file, or reference it with valueFrom.secretKeyRef.",
        mappings: mapIds({
          cisK8s: ["5.4.1"],
          cisDocker: ["4.10"],
          nsa: [NSA.secrets],
          nist: [NIST.imageSecrets],
          kubescape: ["C-0012"],
        }),
      }),
      check: (t, report) => {
        for (const [i, e] of asArr(t.c.env).entries()) {
          const env = asObj(e);
          const name = asStr(env?.name);
          const value = env?.value;
          if (name && isSecretName(name) && typeof value === "string" && !looksLikePlaceholder(value))
            report([...t.path, "env", i, "value"], `env ${name}`);
        }
      },
    },
    {
      meta: k8s({
        id: "BW-K8S-029",
        title: "Secret exposed to the container as an environment variable",
        severity: "LOW",
        why: "Environment variables leak into crash dumps, child processes, logs and `/proc/<pid>/environ`; secrets mounted as files do not.",
        remediation:
          "Mount the Secret as a volume and read it from a file instead of env[].valueFrom.secretKeyRef or envFrom.secretRef.",
        mappings: mapIds({
          cisK8s: ["5.4.1"],
          nsa: [NSA.secrets],
          nist: [NIST.imageSecrets],
          checkov: ["CKV_K8S_35"],
        }),
      }),
      check: (t, report) => {
        for (const [i, e] of asArr(t.c.env).entries())
          if (asObj(asObj(asObj(e)?.valueFrom)?.secretKeyRef)) report([...t.path, "env", i]);
        for (const [i, e] of asArr(t.c.envFrom).entries())
          if (asObj(asObj(e)?.secretRef)) report([...t.path, "envFrom", i]);
      },
    },
  ];
}

export function probeRules(): ContainerRule[] {
  const probe = (id: string, field: string, checkov: string, kubescape: string): ContainerRule => ({
    meta: k8s({
      id,
      title: `Container has no ${field}`,
      severity: "LOW",
      why:
        field === "livenessProbe"
          ? "Without a liveness probe a hung or hijacked process keeps running and serving instead of being restarted."
          : "Without a readiness probe traffic reaches the container before it is ready and keeps reaching it when it is degraded.",
      remediation: `Define ${field} (httpGet, tcpSocket, grpc or exec) on every long-running container.`,
      mappings: mapIds({
        cisDocker: ["5.26"],
        nist: [NIST.ctrAppVulns],
        kubescape: [kubescape],
        checkov: [checkov],
      }),
    }),
    appliesTo: (t) => t.type === "containers" && LONG_RUNNING.has(t.pod.obj.kind),
    check: (t, report) => {
      if (!asObj(t.c[field])) report(t.path);
    },
  });
  return [
    probe("BW-K8S-033", "livenessProbe", "CKV_K8S_8", "C-0056"),
    probe("BW-K8S-034", "readinessProbe", "CKV_K8S_9", "C-0018"),
  ];
}
