import type { Store } from "@bulwark/store";
import type { Finding, Inventory } from "../deps.js";
import type { Reason } from "../policy/evaluate.js";
import type { SignatureOutcome } from "../policy/facts.js";

export interface DigestRow {
  digest: string;
  created?: string;
  diffIds: string[];
  baseName?: string;
  inventory: Pick<Inventory, "packages" | "os">;
  otherFindings: Finding[];
  vulnFindings: Finding[];
  dbVersion: string;
}

export interface ImageRow {
  registry: string;
  repository: string;
  digest: string;
  verdict: string;
  reasons: Reason[];
  signatures: Record<string, SignatureOutcome>;
  signer?: string;
  policyVersion: string;
  judgedAt: number;
}

type Raw = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

export async function getDigest(store: Store, digest: string): Promise<DigestRow | undefined> {
  const [r] = await store.query<Raw>("SELECT * FROM catalog_digests WHERE digest = $1", [digest]);
  return r && toDigestRow(r);
}

function toDigestRow(r: Raw): DigestRow {
  return {
    digest: String(r.digest),
    created: str(r.created),
    diffIds: JSON.parse(String(r.diff_ids)) as string[],
    baseName: str(r.base_name),
    inventory: JSON.parse(String(r.inventory)) as DigestRow["inventory"],
    otherFindings: JSON.parse(String(r.other_findings)) as Finding[],
    vulnFindings: JSON.parse(String(r.vuln_findings)) as Finding[],
    dbVersion: String(r.db_version),
  };
}

export async function putDigest(store: Store, d: DigestRow, now: number): Promise<void> {
  await store.exec(
    `INSERT INTO catalog_digests (digest, created, diff_ids, base_name, inventory, other_findings, vuln_findings, db_version, scanned_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (digest) DO UPDATE SET vuln_findings = excluded.vuln_findings, db_version = excluded.db_version`,
    [
      d.digest,
      d.created ?? null,
      JSON.stringify(d.diffIds),
      d.baseName ?? null,
      JSON.stringify(d.inventory),
      JSON.stringify(d.otherFindings),
      JSON.stringify(d.vulnFindings),
      d.dbVersion,
      now,
    ],
  );
}

/** Digests page by page (re-matching 10,000 inventories must not hold them all in memory). */
export async function digestPage(store: Store, after: string, limit: number): Promise<DigestRow[]> {
  const rows = await store.query<Raw>(
    "SELECT * FROM catalog_digests WHERE digest > $1 ORDER BY digest LIMIT $2",
    [after, limit],
  );
  return rows.map(toDigestRow);
}

function toImageRow(r: Raw): ImageRow {
  return {
    registry: String(r.registry),
    repository: String(r.repository),
    digest: String(r.digest),
    verdict: String(r.verdict),
    reasons: JSON.parse(String(r.reasons)) as Reason[],
    signatures: JSON.parse(String(r.signatures)) as Record<string, SignatureOutcome>,
    signer: str(r.signer),
    policyVersion: String(r.policy_version),
    judgedAt: Number(r.judged_at),
  };
}

export async function putImage(store: Store, i: ImageRow): Promise<void> {
  await store.exec(
    `INSERT INTO catalog_images (registry, repository, digest, verdict, reasons, signatures, signer, policy_version, judged_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (registry, repository, digest) DO UPDATE SET verdict = excluded.verdict, reasons = excluded.reasons,
       signatures = excluded.signatures, signer = excluded.signer, policy_version = excluded.policy_version, judged_at = excluded.judged_at`,
    [
      i.registry,
      i.repository,
      i.digest,
      i.verdict,
      JSON.stringify(i.reasons),
      JSON.stringify(i.signatures),
      i.signer ?? null,
      i.policyVersion,
      i.judgedAt,
    ],
  );
}

export async function getImage(
  store: Store,
  registry: string,
  repository: string,
  digest: string,
): Promise<ImageRow | undefined> {
  const [r] = await store.query<Raw>(
    "SELECT * FROM catalog_images WHERE registry = $1 AND repository = $2 AND digest = $3",
    [registry, repository, digest],
  );
  return r && toImageRow(r);
}

export async function imagesOfDigest(store: Store, digest: string): Promise<ImageRow[]> {
  return (
    await store.query<Raw>("SELECT * FROM catalog_images WHERE digest = $1 ORDER BY registry, repository", [
      digest,
    ])
  ).map(toImageRow);
}

export async function allImages(store: Store): Promise<ImageRow[]> {
  return (await store.query<Raw>("SELECT * FROM catalog_images ORDER BY registry, repository, digest")).map(
    toImageRow,
  );
}

/** Record that `tag` pointed at `digest` now; returns true when this pairing is new. */
export async function seeTag(
  store: Store,
  registry: string,
  repository: string,
  tag: string,
  digest: string,
  now: number,
): Promise<boolean> {
  const { changes } = await store.exec(
    `UPDATE catalog_tags SET last_seen = $5 WHERE registry = $1 AND repository = $2 AND tag = $3 AND digest = $4`,
    [registry, repository, tag, digest, now],
  );
  if (changes > 0) return false;
  await store.exec(
    `INSERT INTO catalog_tags (registry, repository, tag, digest, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $5)`,
    [registry, repository, tag, digest, now],
  );
  return true;
}

export interface TagRow {
  tag: string;
  digest: string;
  firstSeen: number;
  lastSeen: number;
}

export async function tagsOf(store: Store, registry: string, repository: string): Promise<TagRow[]> {
  const rows = await store.query<Raw>(
    "SELECT tag, digest, first_seen, last_seen FROM catalog_tags WHERE registry = $1 AND repository = $2 ORDER BY tag, first_seen",
    [registry, repository],
  );
  return rows.map((r) => ({
    tag: String(r.tag),
    digest: String(r.digest),
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
  }));
}
