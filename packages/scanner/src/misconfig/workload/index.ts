export { workloadContainerRules } from "./container.js";
export { workloadPodRules } from "./pod.js";
