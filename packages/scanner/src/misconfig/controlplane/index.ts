import { apiserverRules } from "./apiserver.js";
import { componentRules } from "./components.js";
import type { CpRule } from "./define.js";
import { kubeletConfigRules } from "./kubelet-config.js";

/** Control plane and node checks (static Pod manifests and KubeletConfiguration files). */
export const controlPlaneRules: CpRule[] = [...apiserverRules, ...componentRules, ...kubeletConfigRules];
