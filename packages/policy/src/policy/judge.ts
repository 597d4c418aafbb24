import { readFileSync } from "node:fs";
import type { ScanOptions } from "../deps.js";
import { checkSignatures, type RegistryAccess } from "./signatures.js";
import { evaluate, type Decision } from "./evaluate.js";
import type { ImageFacts } from "./facts.js";
import { gatherFacts } from "./gather.js";
import type { PolicySet } from "./types.js";

export interface Judgement {
  target: string;
  digest?: string;
  policyVersion: string;
  decision: Decision;
}

export function registryAccess(opts: ScanOptions): RegistryAccess {
  return {
    username: opts.username,
    password: opts.password,
    dockerConfig: opts.dockerConfig,
    insecure: opts.insecure,
    ca: opts.caFile ? readFileSync(opts.caFile, "utf8") : undefined,
  };
}

/** Judge facts already gathered (the catalog's stored inventories, the webhook's cache misses). */
export async function judgeFacts(
  set: PolicySet,
  facts: ImageFacts,
  access: RegistryAccess,
  ctx: { now?: Date; namespace?: string } = {},
): Promise<Judgement> {
  const signatures = await checkSignatures(set, facts.ref, facts.digest, access);
  const decision = evaluate(set, facts, { now: ctx.now ?? new Date(), namespace: ctx.namespace, signatures });
  return { target: facts.target, digest: facts.digest, policyVersion: set.version, decision };
}

/** Scan `target` with the scanners the policies need, verify its signatures and judge it. */
export async function judgeImage(
  set: PolicySet,
  target: string,
  opts: ScanOptions,
  ctx: { now?: Date; namespace?: string } = {},
): Promise<Judgement> {
  const facts = await gatherFacts(target, set, opts);
  return judgeFacts(set, facts, registryAccess(opts), ctx);
}
