import { composeRules } from "./compose/rules.js";
import { controlPlaneRules } from "./controlplane/index.js";
import { dockerfileRules } from "./dockerfile/rules.js";
import { dockerRules } from "./host/docker.js";
import { kubeletRules, nodeFileRules } from "./host/kubelet.js";
import { sshdRules } from "./host/sshd.js";
import { imageConfigRules } from "./image/config-rules.js";
import { imageFsRules } from "./image/fs-rules.js";
import { containerRules } from "./kubernetes/container-rules.js";
import { NETPOL_META, objectRules } from "./kubernetes/object-rules.js";
import type { ContainerTarget, K8sObject, PodTarget } from "./kubernetes/objects.js";
import { podRules } from "./kubernetes/pod-rules.js";
import { networkRules } from "./network/rules.js";
import { NAMESPACE_NETPOL_META } from "./network/policies.js";
import { rbacRules } from "./rbac/rules.js";
import { rbacGrantRules } from "./rbac-grants/index.js";
import type { CheckMeta, Rule } from "./types.js";
import { workloadContainerRules, workloadPodRules } from "./workload/index.js";
import type { Path } from "./yaml-source.js";

/**
 * Every misconfiguration rule, in one explicit list per target it runs on. The family
 * runners read their rules from here and the catalog lists their metadata, so adding a
 * family's rules is one line in one place.
 */
export const ruleSets = {
  kubernetesObject: [
    ...objectRules,
    ...rbacRules,
    ...networkRules,
    ...rbacGrantRules,
    ...controlPlaneRules,
  ] as Array<Rule<K8sObject, Path>>,
  kubernetesPod: [...podRules, ...workloadPodRules] as Array<Rule<PodTarget, Path>>,
  dockerfile: dockerfileRules,
  compose: composeRules,
  imageConfig: imageConfigRules,
  imageFs: imageFsRules,
  sshd: sshdRules,
  docker: dockerRules,
  kubelet: kubeletRules,
  nodeFiles: nodeFileRules,
};

/** Container rules depend on the allowed registries, so they are built per scan. */
export function kubernetesContainerRules(
  allowedRegistries?: readonly string[],
): Array<Rule<ContainerTarget, Path>> {
  return [...containerRules(allowedRegistries), ...workloadContainerRules];
}

/** Checks with no rule of their own: settled over the whole set of manifests at the end. */
export const manifestSetChecks: readonly CheckMeta[] = [NETPOL_META, NAMESPACE_NETPOL_META];
