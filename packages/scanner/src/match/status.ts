import type { OsvAffected, OsvRecord } from "@bulwark/vulndb";

/**
 * Statuses a finding can carry. "fixed" = a fixed version exists; "affected" = no fix
 * yet; the others only when the data says so.
 */
export type VulnStatus =
  "fixed" | "affected" | "will_not_fix" | "fix_deferred" | "end_of_life" | "not_affected";

/**
 * Distro words for the status of an unfixed issue, as they appear in OSV exports'
 * `ecosystem_specific`/`database_specific` fields (Debian security tracker notes,
 * Red Hat fix states, Ubuntu Pro statuses). Keys are lower-cased, spaces/dashes as "_".
 */
const STATUS_WORDS: Record<string, VulnStatus> = {
  not_affected: "not_affected",
  notaffected: "not_affected",
  will_not_fix: "will_not_fix",
  wont_fix: "will_not_fix",
  "won't_fix": "will_not_fix",
  ignored: "will_not_fix",
  out_of_support_scope: "will_not_fix",
  no_dsa: "fix_deferred",
  postponed: "fix_deferred",
  deferred: "fix_deferred",
  fix_deferred: "fix_deferred",
  end_of_life: "end_of_life",
  // Wolfi/Chainguard advisory events (wolfi-dev/advisories), as their OSV export carries them.
  fix_not_planned: "will_not_fix",
  pending_upstream_fix: "affected",
  true_positive_determination: "affected",
  // Debian security tracker's <unfixed>: no fix exists yet.
  unfixed: "affected",
  affected: "affected",
  needed: "affected",
  needs_triage: "affected",
  released: "fixed",
  fixed: "fixed",
};

/** Fields we read, in order; the first that holds a known word wins. */
const STATUS_FIELDS = ["status", "fix_status", "fix_state", "state"];

function normaliseWord(value: unknown): VulnStatus | undefined {
  if (typeof value !== "string") return undefined;
  const key = value
    .trim()
    .toLowerCase()
    .replace(/^<|>$/g, "")
    .replace(/[\s-]+/g, "_");
  return STATUS_WORDS[key];
}

function statusFrom(obj: Record<string, unknown> | undefined): VulnStatus | undefined {
  if (!obj) return undefined;
  for (const field of STATUS_FIELDS) {
    const s = normaliseWord(obj[field]);
    if (s) return s;
  }
  return undefined;
}

/**
 * The status of a matched advisory for one package. A fixed version always means
 * "fixed"; otherwise the distro's own word (affected entry first, then the record),
 * and Debian's "unimportant" urgency — issues Debian does not fix in stable releases —
 * reads as "will_not_fix". Without any word: "affected".
 */
export function matchStatus(
  record: OsvRecord,
  affected: OsvAffected,
  fixedVersion: string | undefined,
): VulnStatus {
  const said =
    statusFrom(affected.ecosystem_specific) ??
    statusFrom(affected.database_specific) ??
    statusFrom(record.database_specific);
  if (said === "not_affected") return "not_affected";
  if (fixedVersion) return "fixed";
  if (said && said !== "fixed") return said;
  const urgency = affected.ecosystem_specific?.urgency ?? affected.database_specific?.urgency;
  if (typeof urgency === "string" && urgency.trim().toLowerCase() === "unimportant") return "will_not_fix";
  return "affected";
}
