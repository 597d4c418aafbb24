import { NIST, NSA } from "../frameworks.js";
import { peerCheckMeta, type PeerMeta } from "../rules.js";
import type { CheckMeta } from "../types.js";

export type WorkloadMeta = PeerMeta;

export function meta(m: WorkloadMeta, family: "workload" | "network" = "workload"): CheckMeta {
  return peerCheckMeta(m, family, { nsa: NSA.podSecurity, nist: NIST.ctrRuntimeConfig });
}
