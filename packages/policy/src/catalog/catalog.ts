import type { Store } from "@bulwark/store";
import {
  matchInventory,
  scanners,
  withImageInput,
  type Finding,
  type ScanOptions,
  type VulnDb,
} from "../deps.js";
import { evaluate } from "../policy/evaluate.js";
import { SBOM_ATTESTATION, type ImageFacts, type SignatureOutcome } from "../policy/facts.js";
import type { PolicySet } from "../policy/types.js";
import { checkSignatures } from "../policy/signatures.js";
import { registryClient, type RegistryAccess } from "../signature/registry-access.js";
import { listRepositories, listTags } from "./listing.js";
import { getDigest, getImage, putDigest, putImage, seeTag, type DigestRow, type ImageRow } from "./repo.js";

export interface CatalogContext {
  store: Store;
  set: PolicySet;
  scan: ScanOptions;
  access: RegistryAccess;
  /** The advisory database and its version (builtAt); absent: vulnerabilities are not matched. */
  db?: { source: Pick<VulnDb, "advisories" | "kev" | "epss" | "record" | "idsForAlias">; version: string };
  now?: () => number;
  log?: (line: string) => void;
}

export interface ScanSummary {
  repositories: number;
  tags: number;
  newTags: string[];
  scanned: number;
  reused: number;
  judged: ImageRow[];
}

/** Signature tags and attestations cosign stores beside images: not images to catalogue. */
const COSIGN_TAG = /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/;

function splitTarget(target: string): { registry: string; repository?: string } {
  const i = target.indexOf("/");
  return i < 0 ? { registry: target } : { registry: target.slice(0, i), repository: target.slice(i + 1) };
}

export function vulnFindings(ctx: CatalogContext, inventory: DigestRow["inventory"]): Finding[] {
  return ctx.db ? matchInventory(inventory, ctx.db.source).findings : [];
}

/** Scan one digest (once: an already stored digest is reused) and store what the policy needs. */
async function scanDigest(
  ctx: CatalogContext,
  image: string,
  digest: string,
): Promise<{ row: DigestRow; fresh: boolean }> {
  const stored = await getDigest(ctx.store, digest);
  if (stored) return { row: stored, fresh: false };
  const selected = scanners.filter((s) => (s.name === "secret" || s.name === "misconfig") && s.scanImage);
  const extra = selected.flatMap((s) => s.analyzers?.(ctx.scan) ?? []);
  const row = await withImageInput(image, extra, ctx.scan, async (input): Promise<DigestRow> => {
    const other: Finding[] = [];
    for (const s of selected) other.push(...(await s.scanImage!(input, ctx.scan)).findings);
    const inventory = { packages: input.inventory.packages, os: input.inventory.os };
    return {
      digest,
      created: input.image.config.created,
      diffIds: input.image.config.rootfs?.diff_ids ?? [],
      baseName: input.image.config.config?.Labels?.["org.opencontainers.image.base.name"],
      inventory,
      otherFindings: other,
      vulnFindings: vulnFindings(ctx, inventory),
      dbVersion: ctx.db?.version ?? "none",
    };
  });
  await putDigest(ctx.store, row, (ctx.now ?? Date.now)());
  return { row, fresh: true };
}

export function factsOf(registry: string, repository: string, d: DigestRow): ImageFacts {
  return {
    target: `${registry}/${repository}@${d.digest}`,
    ref: { registry, repository, digest: d.digest },
    digest: d.digest,
    created: d.created,
    diffIds: d.diffIds,
    baseName: d.baseName,
    findings: [...d.vulnFindings, ...d.otherFindings],
    scanned: true,
  };
}

/** Judge `registry/repository@digest` from stored facts and (stored or fresh) signature outcomes. */
export function judgeStored(
  ctx: CatalogContext,
  registry: string,
  repository: string,
  d: DigestRow,
  signatures: Record<string, SignatureOutcome>,
): ImageRow {
  const decision = evaluate(ctx.set, factsOf(registry, repository, d), {
    now: new Date((ctx.now ?? Date.now)()),
    signatures: new Map(Object.entries(signatures)),
  });
  const signer = Object.entries(signatures).find(
    ([key, s]) => s.ok && key.split("#").pop() !== SBOM_ATTESTATION,
  )?.[1].detail;
  return {
    registry,
    repository,
    digest: d.digest,
    verdict: decision.verdict,
    reasons: decision.reasons,
    signatures,
    signer,
    policyVersion: ctx.set.version,
    judgedAt: (ctx.now ?? Date.now)(),
  };
}

/** `bulwark registry scan REGISTRY[/REPO]`: list, resolve every tag, scan each digest once, judge, store. */
export async function scanRegistry(ctx: CatalogContext, target: string): Promise<ScanSummary> {
  const { registry, repository } = splitTarget(target);
  const repos = repository
    ? [repository]
    : await listRepositories(registryClient({ registry, repository: "" }, ctx.access));
  const out: ScanSummary = {
    repositories: repos.length,
    tags: 0,
    newTags: [],
    scanned: 0,
    reused: 0,
    judged: [],
  };
  for (const repo of repos) {
    const client = registryClient({ registry, repository: repo }, ctx.access);
    const tags = (await listTags(client)).filter((t) => !COSIGN_TAG.test(t));
    for (const tag of tags) {
      const { digest } = await client.manifest(tag);
      out.tags++;
      if (await seeTag(ctx.store, registry, repo, tag, digest, (ctx.now ?? Date.now)()))
        out.newTags.push(`${registry}/${repo}:${tag}`);
      const prior = await getImage(ctx.store, registry, repo, digest);
      if (prior && prior.policyVersion === ctx.set.version) continue;
      ctx.log?.(`scanning ${registry}/${repo}:${tag} (${digest})`);
      const { row, fresh } = await scanDigest(ctx, `${registry}/${repo}@${digest}`, digest);
      if (fresh) out.scanned++;
      else out.reused++;
      const sigs = await checkSignatures(ctx.set, { registry, repository: repo }, digest, ctx.access);
      const judged = judgeStored(ctx, registry, repo, row, Object.fromEntries(sigs));
      await putImage(ctx.store, judged);
      out.judged.push(judged);
    }
  }
  return out;
}
