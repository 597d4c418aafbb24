import { flagRule, type CpRule, type FlagCheck } from "./define.js";

/** A kube-apiserver flag check (CIS Kubernetes Benchmark v1.8 section 1.2). */
export const api = (c: Omit<FlagCheck, "component">): CpRule =>
  flagRule({ ...c, component: "kube-apiserver" });
export const ADMISSION = "enable-admission-plugins";
export const DISABLED = "disable-admission-plugins";

/** Go duration ("1m30s", "90s") or bare seconds, in seconds. */
export function durationSeconds(v: string): number {
  if (/^\d+$/.test(v)) return Number(v);
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)/g))
    total += Number(m[1]) * ({ h: 3600, m: 60, s: 1, ms: 0.001 }[m[2] as "h" | "m" | "s" | "ms"] ?? 0);
  return total;
}
