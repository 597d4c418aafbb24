import { controlPlaneRules } from "./controlplane/index.js";
import { networkRules } from "./network/rules.js";
import { rbacGrantRules } from "./rbac-grants/index.js";
import { workloadContainerRules, workloadPodRules } from "./workload/index.js";
import type { ContainerTarget, K8sObject, PodTarget } from "./kubernetes/objects.js";
import type { Rule } from "./types.js";
import type { Path } from "./yaml-source.js";

/**
 * The Kubernetes-side families added beside the original ones, in one explicit list each
 * by the target they run on. The Kubernetes family runs them with its own rules; the
 * catalog lists their metadata.
 */
export const extraObjectRules: Array<Rule<K8sObject, Path>> = [
  ...networkRules,
  ...rbacGrantRules,
  ...controlPlaneRules,
];
export const extraPodRules: Array<Rule<PodTarget, Path>> = [...workloadPodRules];
export const extraContainerRules: Array<Rule<ContainerTarget, Path>> = [...workloadContainerRules];
