import type { CpRule } from "./define.js";
import { apiserverAccessRules } from "./apiserver-access.js";
import { apiserverServingRules } from "./apiserver-serving.js";

/** kube-apiserver flags, CIS Kubernetes Benchmark v1.8 section 1.2. */
export const apiserverRules: CpRule[] = [...apiserverAccessRules, ...apiserverServingRules];
