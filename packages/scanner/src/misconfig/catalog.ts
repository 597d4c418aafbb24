import { composeRules } from "./compose/rules.js";
import { dockerfileRules } from "./dockerfile/rules.js";
import { dockerRules } from "./host/docker.js";
import { kubeletRules, nodeFileRules } from "./host/kubelet.js";
import { sshdRules } from "./host/sshd.js";
import { imageConfigRules } from "./image/config-rules.js";
import { imageFsRules } from "./image/fs-rules.js";
import { containerRules } from "./kubernetes/container-rules.js";
import { NETPOL_META, objectRules } from "./kubernetes/object-rules.js";
import { podRules } from "./kubernetes/pod-rules.js";
import { NAMESPACE_NETPOL_META } from "./network/policies.js";
import { rbacRules } from "./rbac/rules.js";
import { extraContainerRules, extraObjectRules, extraPodRules } from "./registry.js";
import { FAMILIES, type CheckMeta } from "./types.js";

let cached: CheckMeta[] | undefined;

/** Every check Bulwark has, ordered by family then id. */
export function catalog(): CheckMeta[] {
  if (cached) return cached;
  const metas: CheckMeta[] = [
    ...containerRules(["catalog"]).map((r) => r.meta),
    ...podRules.map((r) => r.meta),
    ...objectRules.map((r) => r.meta),
    NETPOL_META,
    NAMESPACE_NETPOL_META,
    ...rbacRules.map((r) => r.meta),
    ...[...extraObjectRules, ...extraPodRules, ...extraContainerRules].map((r) => r.meta),
    ...dockerfileRules.map((r) => r.meta),
    ...composeRules.map((r) => r.meta),
    ...imageConfigRules.map((r) => r.meta),
    ...imageFsRules.map((r) => r.meta),
    ...sshdRules.map((r) => r.meta),
    ...dockerRules.map((r) => r.meta),
    ...kubeletRules.map((r) => r.meta),
    ...nodeFileRules.map((r) => r.meta),
  ];
  const num = (id: string): number => Number(id.split("-").pop());
  cached = metas.sort(
    (a, b) =>
      FAMILIES.indexOf(a.family) - FAMILIES.indexOf(b.family) ||
      num(a.id) - num(b.id) ||
      a.id.localeCompare(b.id),
  );
  return cached;
}
