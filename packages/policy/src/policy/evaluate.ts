import { SEVERITIES, type Finding, type Severity, type VulnerabilityFinding } from "../deps.js";
import { imageNames, matchesAny } from "./glob.js";
import { SBOM_ATTESTATION, signatureKey, type ImageFacts, type SignatureOutcomes } from "./facts.js";
import type { ImagePolicy, Mode, PolicySet } from "./types.js";

/** One reason of a decision; `rule` is the policy field that produced it. */
export interface Reason {
  policy: string;
  rule: string;
  message: string;
}

export interface WaivedReason extends Reason {
  exception: { reason: string; expires: string; image?: string; namespace?: string };
}

export interface Decision {
  /** deny: an enforcing policy failed; warn: only warn/audit policies failed. */
  verdict: "allow" | "warn" | "deny";
  allowed: boolean;
  /** The strictest mode among the policies that denied (enforce > warn > audit). */
  mode: Mode;
  /** Violations that count. Empty when allowed. */
  reasons: Reason[];
  /** Violations an exception waived: listed, never dropped silently. */
  waived: WaivedReason[];
}

export interface EvaluationContext {
  now: Date;
  namespace?: string;
  signatures?: SignatureOutcomes;
}

const LIST_AT_MOST = 5;
const rank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);
const DAY_MS = 86_400_000;

function idList(fs: readonly Finding[]): string {
  const ids = [
    ...new Set(fs.map((f) => (f.kind === "vulnerability" ? `${f.id} (${f.package.name})` : f.id))),
  ];
  const more = ids.length > LIST_AT_MOST ? ` and ${ids.length - LIST_AT_MOST} more` : "";
  return ids.slice(0, LIST_AT_MOST).join(", ") + more;
}

type Check = (
  p: ImagePolicy,
  f: ImageFacts,
  ctx: EvaluationContext,
) => Array<[rule: string, message: string]>;

const NOT_SCANNED = "the image's layers were not scanned (scan it into the catalog: bulwark registry scan)";

/** Fixed vulnerabilities whose fix was published before `now - days`: patching was put off that long. */
function staleFixes(vulns: VulnerabilityFinding[], days: number, now: Date): VulnerabilityFinding[] {
  const before = now.getTime() - days * DAY_MS;
  return vulns.filter((x) => {
    const published = x.fixedVersion !== null && x.fixPublished ? Date.parse(x.fixPublished) : NaN;
    return !Number.isNaN(published) && published < before;
  });
}

function vulnerabilities(p: ImagePolicy, f: ImageFacts, ctx: EvaluationContext): Array<[string, string]> {
  const v = p.vulnerabilities;
  if (!v) return [];
  if (!f.scanned) return [["vulnerabilities", NOT_SCANNED]];
  const vulns = f.findings.filter(
    (x): x is VulnerabilityFinding =>
      x.kind === "vulnerability" &&
      !v.ignore.includes(x.id) &&
      !x.aliases.some((a) => v.ignore.includes(a)) &&
      !(v.ignoreUnfixed && x.fixedVersion === null),
  );
  const out: Array<[string, string]> = [];
  if (v.maxSeverity) {
    const over = vulns.filter((x) => rank(x.severity) > rank(v.maxSeverity!));
    if (over.length)
      out.push([
        "vulnerabilities.maxSeverity",
        `${over.length} vulnerabilit${over.length === 1 ? "y" : "ies"} above ${v.maxSeverity}: ${idList(over)}`,
      ]);
  }
  if (v.kev === "deny") {
    const kev = vulns.filter((x) => x.kev);
    if (kev.length) out.push(["vulnerabilities.kev", `known exploited (CISA KEV): ${idList(kev)}`]);
  }
  if (v.epssThreshold !== undefined) {
    const hot = vulns.filter((x) => (x.epss ?? 0) >= v.epssThreshold!);
    if (hot.length) out.push(["vulnerabilities.epssThreshold", `EPSS ≥ ${v.epssThreshold}: ${idList(hot)}`]);
  }
  if (v.fixableOlderThanDays !== undefined) {
    const stale = staleFixes(vulns, v.fixableOlderThanDays, ctx.now);
    if (stale.length)
      out.push([
        "vulnerabilities.fixableOlderThanDays",
        `a fix has been available for more than ${v.fixableOlderThanDays} days: ${idList(stale)}`,
      ]);
  }
  return out;
}

const checks: Check[] = [
  (p, f) => {
    if (!p.registries) return [];
    if (!f.ref) return [["registries", `${f.target} is not a registry image`]];
    return p.registries.some((r) => matchesAny(r.glob, imageNames(f.ref!)))
      ? []
      : [
          [
            "registries",
            `${f.ref.registry}/${f.ref.repository} is not in the allowed registries (${p.registries.map((r) => r.pattern).join(", ")})`,
          ],
        ];
  },
  (p, f) =>
    p.requireDigest && !f.ref?.digest ? [["requireDigest", `${f.target} is not pinned by digest`]] : [],
  vulnerabilities,
  (p, f) => {
    if (p.secrets === "deny" && !f.scanned) return [["secrets", NOT_SCANNED]];
    const s = f.findings.filter((x) => x.kind === "secret");
    return p.secrets === "deny" && s.length ? [["secrets", `${s.length} secret(s) found: ${idList(s)}`]] : [];
  },
  (p, f) => {
    if (p.misconfigurations.length && !f.scanned) return [["misconfigurations", NOT_SCANNED]];
    const m = f.findings.filter((x) => x.kind === "misconfiguration" && p.misconfigurations.includes(x.id));
    return m.length ? [["misconfigurations", `image checks failed: ${idList(m)}`]] : [];
  },
  (p, f, ctx) => {
    if (p.maxAgeDays === undefined) return [];
    const created = f.created ? Date.parse(f.created) : NaN;
    if (Number.isNaN(created)) return [["maxAgeDays", "the image has no creation time"]];
    const days = Math.floor((ctx.now.getTime() - created) / DAY_MS);
    return days > p.maxAgeDays ? [["maxAgeDays", `built ${days} days ago (at most ${p.maxAgeDays})`]] : [];
  },
  (p, f) => {
    if (!p.baseImages) return [];
    const ok = p.baseImages.some(
      (b) =>
        (b.glob && f.baseName && b.glob.test(f.baseName.split(/[@]/)[0]!.replace(/:[^/:]+$/, ""))) ||
        (b.diffIds && b.diffIds.length <= f.diffIds.length && b.diffIds.every((d, i) => f.diffIds[i] === d)),
    );
    return ok
      ? []
      : [["baseImages", `not built on an approved base image${f.baseName ? ` (base ${f.baseName})` : ""}`]];
  },
  (p, _f, ctx) => {
    if (!p.signatures.length) return [];
    const outcomes = p.signatures.map((_, i) => ctx.signatures?.get(signatureKey(p.name, i)));
    if (outcomes.some((o) => o?.ok)) return [];
    const why = outcomes.map((o, i) => `#${i}: ${o?.detail ?? "not checked"}`).join("; ");
    return [["signatures", `no required signature verified (${why})`]];
  },
  (p, _f, ctx) => {
    if (!p.requireSbomAttestation) return [];
    const o = ctx.signatures?.get(signatureKey(p.name, SBOM_ATTESTATION));
    return o?.ok ? [] : [["requireSbomAttestation", `no SBOM attestation (${o?.detail ?? "not checked"})`]];
  },
];

function exceptionFor(p: ImagePolicy, f: ImageFacts, rule: string, ctx: EvaluationContext) {
  const names = f.ref ? imageNames({ ...f.ref, digest: f.ref.digest ?? f.digest }) : [f.target];
  return p.exceptions.find(
    (x) =>
      x.expires.getTime() >= ctx.now.getTime() &&
      (!x.rules || x.rules.includes(rule) || x.rules.includes(rule.split(".")[0]!)) &&
      (!x.image || matchesAny(x.image, names)) &&
      (!x.namespace || x.namespace === ctx.namespace),
  );
}

const STRICT: Mode[] = ["audit", "warn", "enforce"];

/** Judge one image against every policy of the set: denied when any rule of any policy fails. */
export function evaluate(set: PolicySet, facts: ImageFacts, ctx: EvaluationContext): Decision {
  const reasons: Reason[] = [];
  const waived: WaivedReason[] = [];
  let mode: Mode = "audit";
  for (const p of set.policies) {
    for (const check of checks) {
      for (const [rule, message] of check(p, facts, ctx)) {
        const x = exceptionFor(p, facts, rule, ctx);
        if (x) {
          waived.push({
            policy: p.name,
            rule,
            message,
            exception: {
              reason: x.reason,
              expires: x.expiresText,
              image: x.imagePattern,
              namespace: x.namespace,
            },
          });
          continue;
        }
        reasons.push({ policy: p.name, rule, message });
        if (STRICT.indexOf(p.mode) > STRICT.indexOf(mode)) mode = p.mode;
      }
    }
  }
  const verdict = !reasons.length ? "allow" : mode === "enforce" ? "deny" : "warn";
  return { verdict, allowed: verdict !== "deny", mode: reasons.length ? mode : "enforce", reasons, waived };
}

/** A pod-spec check result as admission sees it (from the existing Kubernetes checks). */
export interface PodCheckHit {
  id: string;
  severity: Severity;
  title: string;
  message?: string;
}

/** The pod-spec rules of every policy: deny listed check ids and anything at or above minSeverity. */
export function evaluatePodChecks(
  set: PolicySet,
  hits: readonly PodCheckHit[],
): { reasons: Reason[]; mode: Mode } {
  const reasons: Reason[] = [];
  let mode: Mode = "audit";
  for (const p of set.policies) {
    const c = p.podChecks;
    if (!c) continue;
    const bad = hits.filter(
      (h) =>
        !c.ignore.includes(h.id) &&
        (c.deny.includes(h.id) || (c.minSeverity !== undefined && rank(h.severity) >= rank(c.minSeverity))),
    );
    for (const h of bad)
      reasons.push({
        policy: p.name,
        rule: "podChecks",
        message: `${h.id} ${h.title}${h.message ? `: ${h.message}` : ""}`,
      });
    if (bad.length && STRICT.indexOf(p.mode) > STRICT.indexOf(mode)) mode = p.mode;
  }
  return { reasons, mode };
}
