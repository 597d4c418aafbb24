import { createHash } from "node:crypto";
import type { Store } from "@bulwark/store";
import type { Finding } from "../deps.js";

export const SEVERITY_RANK: Record<string, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

/** Scanner names in a report's summary → the finding kinds that scan vouches for. */
export const SCANNER_KINDS: Record<string, Finding["kind"]> = {
  vuln: "vulnerability",
  misconfig: "misconfiguration",
  secret: "secret",
  malware: "malware",
};

/** Hex characters of a finding key taken from its asset's hash (the rest from the finding's). */
export const ASSET_PREFIX_CHARS = 8;
const KEY_CHARS = 40;

/**
 * The first characters of every finding key of `asset`. Keys start with them so that an asset's
 * findings sit together in every index keyed by finding key: a scan or re-match of one asset
 * then rewrites a few index pages rather than one page per finding all over each index (a
 * re-match of 1,000 images wrote 10 GB with keys that were one hash, 1.8 GB with these).
 */
export function assetKeyPrefix(asset: string): string {
  // One scan's findings all name the same asset: hash it once, not once per finding.
  if (asset !== lastPrefix.asset)
    lastPrefix = {
      asset,
      prefix: createHash("sha256").update(asset).digest("hex").slice(0, ASSET_PREFIX_CHARS),
    };
  return lastPrefix.prefix;
}
let lastPrefix = { asset: "", prefix: "" };

/**
 * Migration 007: the keys stored before findings were keyed by asset (40 characters of the
 * identity hash) become the keys `findingKey` computes now (the asset's prefix, then the first
 * 32 characters of the same hash); history rows follow their finding.
 */
export async function rekeyFindingsByAsset(tx: Store): Promise<void> {
  const keep = KEY_CHARS - ASSET_PREFIX_CHARS;
  const assets = await tx.query<{ asset: string }>("SELECT DISTINCT asset FROM findings");
  for (const { asset } of assets) {
    const params = [asset, assetKeyPrefix(asset)];
    await tx.exec(
      `UPDATE finding_events SET finding_key = CAST($2 AS TEXT) || substr(finding_key, 1, ${keep})
       WHERE finding_key IN (SELECT key FROM findings WHERE asset = $1)`,
      params,
    );
    await tx.exec(
      `UPDATE findings SET key = CAST($2 AS TEXT) || substr(key, 1, ${keep}) WHERE asset = $1`,
      params,
    );
  }
}

/**
 * A finding's identity across scans of one asset: the same problem in the same place. The
 * version is part of a vulnerability's identity, so an upgrade that still carries the
 * vulnerability is a new finding and the old one is fixed — what a history should show.
 * 40 hex characters: the asset's prefix, then 128 bits of the finding's identity hash.
 */
export function findingKey(asset: string, f: Finding): string {
  return assetKeyPrefix(asset) + findingIdentityHash(asset, f).slice(0, KEY_CHARS - ASSET_PREFIX_CHARS);
}

/** SHA-256 (hex) of what makes a finding the same one in a later scan (before 007, its first 40 characters were the key). */
export function findingIdentityHash(asset: string, f: Finding): string {
  const parts: string[] = [asset, f.kind, f.id];
  if (f.kind === "vulnerability")
    parts.push(f.package.purl || f.package.name, f.package.version, f.location.path);
  else if (f.kind === "secret") parts.push(f.fingerprint);
  else if (f.kind === "malware") parts.push(f.file, f.sha256);
  else
    parts.push(
      f.file,
      f.resource ? `${f.resource.kind}/${f.resource.namespace ?? ""}/${f.resource.name}` : String(f.line),
    );
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

export interface FindingColumns {
  kind: string;
  rule_id: string;
  severity: string;
  severity_rank: number;
  package_name: string | null;
  package_version: string | null;
  fixed_version: string | null;
  kev: number;
  epss: number | null;
  cvss: number | null;
}

export function findingColumns(f: Finding): FindingColumns {
  const vuln = f.kind === "vulnerability" ? f : undefined;
  const cvss = vuln?.cvss?.length ? Math.max(...vuln.cvss.map((c) => c.score)) : null;
  return {
    kind: f.kind,
    rule_id: f.id,
    severity: f.severity,
    severity_rank: SEVERITY_RANK[f.severity] ?? 0,
    package_name: vuln?.package.name ?? null,
    package_version: vuln?.package.version ?? null,
    fixed_version: vuln?.fixedVersion ?? null,
    kev: vuln?.kev ? 1 : 0,
    epss: vuln?.epss ?? null,
    cvss,
  };
}
