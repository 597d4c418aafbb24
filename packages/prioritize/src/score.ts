import type { RiskFinding, RiskScore, RuntimeContext } from "./types.js";

const BASE: Record<RiskFinding["severity"], number> = {
  CRITICAL: 40,
  HIGH: 30,
  MEDIUM: 18,
  LOW: 8,
  UNKNOWN: 10,
};
const DANGEROUS_CAPS = new Set([
  "CAP_SYS_ADMIN",
  "CAP_NET_ADMIN",
  "CAP_SYS_PTRACE",
  "CAP_SYS_MODULE",
  "CAP_DAC_READ_SEARCH",
  "CAP_NET_RAW",
  "CAP_BPF",
]);

/** Named weights so each reason states exactly what it added. */
export const WEIGHTS = {
  kev: 20,
  epssHigh: 12,
  epssMedium: 6,
  fixAvailable: 5,
  inUse: 15,
  notInUse: -25,
  exposed: 12,
  privileged: 8,
  secrets: 4,
};

export function isInUse(f: RiskFinding, ctx: RuntimeContext): boolean | undefined {
  if (!ctx.inUse) return undefined;
  const p = ctx.inUse.packages;
  if ((f.package.purl !== undefined && p.has(f.package.purl)) || p.has(f.package.name)) return true;
  const judged = ctx.inUse.judged;
  return judged && !(f.package.purl !== undefined && judged.has(f.package.purl)) ? undefined : false;
}

export function isExposed(ctx: RuntimeContext): boolean | undefined {
  const e = ctx.exposure;
  if (!e) return undefined;
  return Boolean(
    e.ingress ||
    (e.serviceType && e.serviceType !== "ClusterIP") ||
    (e.northSouthFlows ?? 0) > 0 ||
    (e.listeningPorts?.length ?? 0) > 0 ||
    (e.hostPorts?.length ?? 0) > 0,
  );
}

function privilegeReasons(ctx: RuntimeContext): string[] {
  const p = ctx.privilege;
  if (!p) return [];
  const out: string[] = [];
  if (p.privileged) out.push("privileged container");
  if (p.root) out.push("runs as root");
  if (p.hostMounts?.length) out.push(`host mounts ${p.hostMounts.join(", ")}`);
  const caps = (p.capabilities ?? []).filter((c) => DANGEROUS_CAPS.has(c.toUpperCase()));
  if (caps.length) out.push(`dangerous capabilities ${caps.join(", ")}`);
  return out;
}

/**
 * Risk of one vulnerability in one workload, 0–100, with the reason for every point: the
 * base is the severity (or CVSS when higher), raised by known exploitation (KEV, EPSS), a
 * fix being available (cheap to act on), the vulnerable code being loaded, the workload being
 * reachable and privileged; lowered when observation shows the package never loaded.
 */
export function scoreFinding(f: RiskFinding, ctx: RuntimeContext = {}): RiskScore {
  const reasons: string[] = [];
  const cvssBase = typeof f.cvss === "number" ? Math.round(f.cvss * 4) : 0;
  let score = Math.max(BASE[f.severity], cvssBase);
  reasons.push(
    typeof f.cvss === "number"
      ? `${f.severity.toLowerCase()} severity (CVSS ${f.cvss})`
      : `${f.severity.toLowerCase()} severity`,
  );
  if (f.kev) {
    score += WEIGHTS.kev;
    reasons.push("known to be exploited (CISA KEV)");
  }
  if (typeof f.epss === "number" && f.epss >= 0.1) {
    score += f.epss >= 0.5 ? WEIGHTS.epssHigh : WEIGHTS.epssMedium;
    reasons.push(`EPSS ${(f.epss * 100).toFixed(1)}% chance of exploitation in 30 days`);
  }
  const fixable = f.fixedVersion !== null && f.fixedVersion !== "";
  if (fixable) {
    score += WEIGHTS.fixAvailable;
    reasons.push(`fix available (${f.package.name} ${f.fixedVersion})`);
  } else reasons.push("no fix available yet");
  const inUse = isInUse(f, ctx);
  if (inUse === true) {
    score += WEIGHTS.inUse;
    reasons.push(`${f.package.name} is loaded by a running process (${ctx.inUse!.source})`);
  } else if (inUse === false) {
    score += WEIGHTS.notInUse;
    reasons.push(
      `${f.package.name} was never loaded between ${ctx.inUse!.window.from} and ${ctx.inUse!.window.to}`,
    );
  } else reasons.push("no runtime evidence of use");
  const exposed = isExposed(ctx);
  if (exposed) {
    score += WEIGHTS.exposed;
    reasons.push(exposureReason(ctx));
  }
  const priv = privilegeReasons(ctx);
  if (priv.length) {
    score += WEIGHTS.privileged;
    reasons.push(priv.join(", "));
  }
  if ((ctx.secretsReachable ?? 0) > 0) {
    score += WEIGHTS.secrets;
    reasons.push(`${ctx.secretsReachable} secret(s) reachable from the workload`);
  }
  score = Math.max(0, Math.min(100, score));
  return {
    finding: f,
    score,
    inUse,
    exposed,
    privileged: ctx.privilege ? priv.length > 0 : undefined,
    fixable,
    reasons,
    why: `${f.id} in ${f.package.name} ${f.package.version}: ${reasons.join("; ")}.`,
  };
}

function exposureReason(ctx: RuntimeContext): string {
  const e = ctx.exposure!;
  const parts: string[] = [];
  if (e.ingress) parts.push("behind an Ingress");
  if (e.serviceType && e.serviceType !== "ClusterIP") parts.push(`Service type ${e.serviceType}`);
  if ((e.northSouthFlows ?? 0) > 0) parts.push(`${e.northSouthFlows} connection(s) from outside the cluster`);
  if (e.listeningPorts?.length) parts.push(`listening on port(s) ${e.listeningPorts.join(", ")}`);
  if (e.hostPorts?.length) parts.push(`on the node's port(s) ${e.hostPorts.join(", ")}`);
  return `exposed: ${parts.join(", ")}`;
}
