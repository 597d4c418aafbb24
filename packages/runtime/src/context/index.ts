export { ContextResolver, type ResolvedContext, type ResolverOptions } from "./resolver.js";
export { containerIdFromCgroupPath } from "./ids.js";
export { readBundleMeta, splitImage } from "./bundle.js";
export { readDockerMeta } from "./docker.js";
export { listRuncStates, readState, runcRootOf, RUNC_STATE_ROOTS, type RuncState } from "./runc.js";
export { CgroupIndex, cgroupPathOfPid, findCgroup2Mount } from "./cgroup.js";
