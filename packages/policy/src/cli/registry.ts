import type { Command } from "commander";
import { ExitCode } from "../deps.js";
import { judgeStored, scanRegistry, type ScanSummary } from "../catalog/catalog.js";
import { allImages, getDigest } from "../catalog/repo.js";
import { approveDigest, loadSigningKey } from "../signature/approve.js";
import { PolicyError } from "../errors.js";
import { addStoreFlags, catalogContext, type StoreFlags } from "./catalog-context.js";
import { addPolicyFlags, type PolicyFlags } from "./common.js";

interface WatchFlags extends PolicyFlags, StoreFlags {
  interval: string;
  iterations?: string;
}

function report(s: ScanSummary): void {
  for (const t of s.newTags) process.stdout.write(`new tag ${t}\n`);
  for (const j of s.judged)
    process.stdout.write(
      `${j.verdict.toUpperCase().padEnd(5)} ${j.registry}/${j.repository}@${j.digest}${j.reasons.length ? `: ${j.reasons.map((r) => `[${r.policy}/${r.rule}] ${r.message}`).join("; ")}` : ""}\n`,
    );
  process.stdout.write(
    `${s.repositories} repositories, ${s.tags} tags, ${s.scanned} digests scanned, ${s.reused} reused\n`,
  );
}

async function scan(target: string, flags: PolicyFlags & StoreFlags, cmd: Command): Promise<void> {
  const ctx = await catalogContext(cmd, flags);
  try {
    const s = await scanRegistry(ctx, target);
    report(s);
    if (s.judged.some((j) => j.verdict === "deny")) process.exitCode = ExitCode.findings;
  } finally {
    await ctx.close();
  }
}

function seconds(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new PolicyError("POLICY_INVALID", `${flag}: "${v}" is not a positive number`);
  return n;
}

/** Poll for new tags and digests; SIGTERM/SIGINT end it after the current round. */
async function watch(target: string, flags: WatchFlags, cmd: Command): Promise<void> {
  const intervalMs = seconds("--interval", flags.interval) * 1000;
  const rounds = flags.iterations ? seconds("--iterations", flags.iterations) : Infinity;
  const ctx = await catalogContext(cmd, flags);
  let stop = false;
  let wake: () => void = () => {};
  const onSignal = () => {
    stop = true;
    wake();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  try {
    for (let i = 0; i < rounds && !stop; i++) {
      if (i > 0) await new Promise<void>((r) => ((wake = r), setTimeout(r, intervalMs)));
      if (stop) break;
      report(await scanRegistry(ctx, target));
    }
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    await ctx.close();
  }
}

interface ApproveFlags extends PolicyFlags, StoreFlags {
  key: string;
}

/**
 * Sign every catalogued image of TARGET that passes the policy with the organisation's key.
 * The `signatures` rule is left out of that judgement: the approval is the signature.
 */
async function approve(target: string, flags: ApproveFlags, cmd: Command): Promise<void> {
  const { key, source } = loadSigningKey(flags.key);
  const ctx = await catalogContext(cmd, flags);
  try {
    let signed = 0;
    for (const img of await allImages(ctx.store)) {
      const name = `${img.registry}/${img.repository}`;
      if (name !== target && img.registry !== target && !name.startsWith(`${target}/`)) continue;
      const d = await getDigest(ctx.store, img.digest);
      if (!d) continue;
      const blocking = judgeStored(ctx, img.registry, img.repository, d, img.signatures).reasons.filter(
        (r) => r.rule !== "signatures",
      );
      if (blocking.length) {
        process.stdout.write(
          `not approved ${name}@${img.digest}: ${blocking.map((r) => `[${r.policy}/${r.rule}] ${r.message}`).join("; ")}\n`,
        );
        continue;
      }
      await approveDigest(img.registry, img.repository, img.digest, key, ctx.access);
      signed++;
      process.stdout.write(`approved ${name}@${img.digest}\n`);
    }
    process.stdout.write(`${signed} image(s) signed with the key from ${source}\n`);
  } finally {
    await ctx.close();
  }
}

/** `bulwark registry scan|watch|approve`. */
export function registerRegistry(program: Command): void {
  const registry = program
    .command("registry")
    .description("catalogue a registry's images with their verdicts");
  addStoreFlags(
    addPolicyFlags(
      registry
        .command("scan")
        .argument("<registry[/repo]>")
        .description("scan every tag (each digest once) and store verdicts"),
    ),
  ).action((t: string, f: PolicyFlags & StoreFlags, c: Command) => scan(t, f, c));
  addStoreFlags(
    addPolicyFlags(
      registry.command("watch").argument("<registry[/repo]>").description("poll for new tags and digests"),
    ),
  )
    .option("--interval <seconds>", "seconds between polls", "60")
    .option("--iterations <n>", "stop after N polls (default: until SIGTERM)")
    .action((t: string, f: WatchFlags, c: Command) => watch(t, f, c));
  addStoreFlags(
    addPolicyFlags(
      registry
        .command("approve")
        .argument("<registry[/repo]>")
        .description("sign catalogued images that pass policy (cosign format, pushed)"),
    ),
  )
    .requiredOption(
      "--key <file|env:NAME>",
      "organisation's PEM private key: a file or env:VARIABLE (never printed)",
    )
    .action((t: string, f: ApproveFlags, c: Command) => approve(t, f, c));
}
