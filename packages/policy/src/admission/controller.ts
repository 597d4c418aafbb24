import { errorMessage, parseReference, type RegistryClient } from "../deps.js";
import { evaluate, evaluatePodChecks, type Decision, type Reason } from "../policy/evaluate.js";
import type { ImageFacts } from "../policy/facts.js";
import type { Mode, PolicySet } from "../policy/types.js";
import { checkSignatures } from "../policy/signatures.js";
import { registryClient, type RegistryAccess } from "../signature/registry-access.js";
import { DecisionCache } from "./cache.js";
import { podCheckHits } from "./pod-checks.js";
import { registryFacts } from "./registry-facts.js";
import { imagesOf, parseReview, podSpecOf, reviewResponse, type ReviewAnswer } from "./review.js";

export interface AdmissionOptions {
  set: PolicySet;
  access: RegistryAccess & { platform?: string };
  /** Overrides every policy's mode (`--mode`). */
  mode?: Mode;
  exemptNamespaces?: string[];
  /** What a registry failure or timeout means: deny (closed, default) or allow with a warning (open). */
  failureMode?: "closed" | "open";
  /** Deadline for one review; below the timeoutSeconds Kubernetes gives the webhook. */
  timeoutMs?: number;
  cacheEntries?: number;
  cacheTtlMs?: number;
  /** Facts of `ref@digest` (default: manifest and config from the registry). */
  facts?: (image: string) => Promise<ImageFacts>;
  now?: () => Date;
}

const MAX_MESSAGE = 4000;
/** Repositories whose registry client (plain-HTTP fallback, bearer token) is kept between reviews. */
const MAX_CLIENTS = 256;

class DeadlineError extends Error {}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Judges AdmissionReview requests: image policy per container image, pod-spec checks per object. */
export class AdmissionController {
  readonly cache: DecisionCache<Decision>;
  private readonly timeoutMs: number;
  private readonly clients = new Map<string, RegistryClient>();

  constructor(private readonly opts: AdmissionOptions) {
    this.cache = new DecisionCache(opts.cacheEntries, opts.cacheTtlMs);
    this.timeoutMs = opts.timeoutMs ?? 8000;
  }

  /** The digest an image reference points at now; a pinned digest needs no registry call. */
  private async resolve(image: string): Promise<string> {
    const ref = parseReference(image);
    if (ref.digest) return ref.digest;
    return (await this.clientFor(ref).manifest(ref.tag ?? "latest")).digest;
  }

  /**
   * One client per repository, kept: a fresh client would retry TLS before plain HTTP on a
   * loopback registry and fetch a new bearer token on every review (half of a tag's latency).
   */
  private clientFor(ref: ReturnType<typeof parseReference>): RegistryClient {
    const key = `${ref.registry}/${ref.repository}`;
    let client = this.clients.get(key);
    if (!client) {
      client = registryClient(ref, this.opts.access);
      this.clients.set(key, client);
      if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    }
    return client;
  }

  /**
   * The registries rule needs only the name: an image from a registry no policy allows is
   * denied without contacting that registry (a pod spec must not make the webhook call any host).
   */
  private foreign(image: string, namespace: string): Decision | undefined {
    const ref = parseReference(image);
    const facts: ImageFacts = { target: image, ref, diffIds: [], findings: [], scanned: false };
    const d = evaluate(this.opts.set, facts, { now: this.now(), namespace });
    const reasons = d.reasons.filter((r) => r.rule === "registries");
    return reasons.length ? { ...d, reasons, waived: [], verdict: "deny", allowed: false } : undefined;
  }

  private async judgeImage(image: string, namespace: string): Promise<Decision> {
    const foreign = this.foreign(image, namespace);
    if (foreign) return foreign;
    const digest = await this.resolve(image);
    const key = `${digest}\0${this.opts.set.version}\0${namespace}\0${image}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const ref = parseReference(image);
    const pinned = `${ref.registry}/${ref.repository}@${digest}`;
    const facts = await (this.opts.facts ?? ((i) => registryFacts(i, this.opts.access)))(pinned);
    // Keep what the pod spec wrote (tag, digest or neither) for requireDigest and name globs.
    const judged: ImageFacts = { ...facts, target: image, ref, digest };
    const signatures = await checkSignatures(this.opts.set, ref, digest, this.opts.access);
    const decision = evaluate(this.opts.set, judged, { now: this.now(), namespace, signatures });
    this.cache.set(key, decision);
    return decision;
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** One AdmissionReview in, the AdmissionReview answer out. Throws PolicyError on a malformed body. */
  async review(body: unknown): Promise<object> {
    const req = parseReview(body);
    const spec = podSpecOf(req.kind, req.object);
    const what = `${req.kind} ${req.namespace ? `${req.namespace}/` : ""}${req.name}`;
    if (!spec) return reviewResponse(req.uid, { allowed: true });
    if (this.opts.exemptNamespaces?.includes(req.namespace))
      return reviewResponse(req.uid, {
        allowed: true,
        auditAnnotations: { "bulwark.dev/exempt": `namespace ${req.namespace} is exempt` },
      });
    const images = imagesOf(spec);
    const reasons: Array<Reason & { where?: string }> = [];
    let mode: Mode = "audit";
    const raise = (m: Mode) => {
      if (["audit", "warn", "enforce"].indexOf(m) > ["audit", "warn", "enforce"].indexOf(mode)) mode = m;
    };
    const failures: string[] = [];
    await withDeadline(
      Promise.all(
        [...new Set(images.map((i) => i.image))].map(async (image) => {
          try {
            const d = await this.judgeImage(image, req.namespace);
            const where = images
              .filter((i) => i.image === image)
              .map((i) => i.container)
              .join(",");
            for (const r of d.reasons) reasons.push({ ...r, where: `${where} (${image})` });
            if (d.reasons.length) raise(d.mode);
          } catch (e) {
            failures.push(`${image}: ${errorMessage(e)}`);
          }
        }),
      ),
      this.timeoutMs,
      "image checks",
    ).catch((e: unknown) => failures.push(errorMessage(e)));
    const pod = evaluatePodChecks(this.opts.set, podCheckHits(req.object));
    reasons.push(...pod.reasons);
    if (pod.reasons.length) raise(pod.mode);
    return reviewResponse(req.uid, this.answer(what, reasons, mode, failures));
  }

  private answer(
    what: string,
    reasons: Array<Reason & { where?: string }>,
    policyMode: Mode,
    failures: string[],
  ): ReviewAnswer {
    const mode = this.opts.mode ?? policyMode;
    const lines = reasons.map((r) => `[${r.policy}/${r.rule}]${r.where ? ` ${r.where}:` : ""} ${r.message}`);
    if (failures.length) {
      const closed = (this.opts.failureMode ?? "closed") === "closed";
      const msg = `could not check images (failure mode ${closed ? "closed" : "open"}): ${failures.join("; ")}`;
      if (closed)
        return { allowed: false, message: clip(`bulwark denied ${what}: ${[msg, ...lines].join("; ")}`) };
      lines.unshift(msg);
    }
    if (!lines.length) return { allowed: true };
    if (mode === "enforce" && reasons.length)
      return { allowed: false, message: clip(`bulwark denied ${what}: ${lines.join("; ")}`) };
    if (mode === "audit" && !failures.length)
      return { allowed: true, auditAnnotations: { "bulwark.dev/reasons": clip(lines.join("; ")) } };
    return { allowed: true, warnings: lines.map((l) => clip(`bulwark: ${l}`, 500)) };
  }
}

function clip(s: string, max = MAX_MESSAGE): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
