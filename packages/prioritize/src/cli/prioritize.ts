import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { BulwarkError, errorMessage } from "../deps.js";
import { funnel, prioritize } from "../rank.js";
import type { RiskFinding, RiskScore, RuntimeContext } from "../types.js";
import { notInUseVex } from "../vex.js";
import { exposureOfImage, mergeExposure } from "../manifests.js";
import { readManifestExposure } from "./manifests.js";
import { imageToObserve, observeContext, parseWindow, type Observed, type Observer } from "./observe.js";

export type { Observer, ObserverResult } from "./observe.js";

interface Flags {
  report: string;
  evidence?: string;
  observe?: boolean;
  image?: string;
  window: string;
  format: string;
  top: string;
  vexOut?: string;
  manifests?: string;
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (e) {
    throw new BulwarkError("PARSE", `cannot read ${what} ${path}: ${errorMessage(e)}`);
  }
}

/** Evidence file: { inUse?: { packages: string[], from, to, source }, exposure?, privilege?, secretsReachable? }. */
export function contextFromEvidence(raw: unknown): RuntimeContext {
  if (typeof raw !== "object" || raw === null)
    throw new BulwarkError("PARSE", "evidence must be a JSON object");
  const e = raw as Record<string, unknown>;
  const ctx: RuntimeContext = {};
  const inUse = e.inUse as { packages?: unknown; from?: unknown; to?: unknown; source?: unknown } | undefined;
  if (inUse) {
    if (!Array.isArray(inUse.packages) || typeof inUse.from !== "string" || typeof inUse.to !== "string") {
      throw new BulwarkError("PARSE", "evidence.inUse needs packages (array), from and to (timestamps)");
    }
    ctx.inUse = {
      packages: new Set(inUse.packages.filter((p): p is string => typeof p === "string")),
      window: { from: inUse.from, to: inUse.to },
      source: typeof inUse.source === "string" ? inUse.source : "runtime observation",
    };
  }
  if (e.exposure && typeof e.exposure === "object") ctx.exposure = e.exposure as RuntimeContext["exposure"];
  if (e.privilege && typeof e.privilege === "object")
    ctx.privilege = e.privilege as RuntimeContext["privilege"];
  if (typeof e.secretsReachable === "number") ctx.secretsReachable = e.secretsReachable;
  return ctx;
}

function vulnerabilities(report: unknown): RiskFinding[] {
  const findings = (report as { findings?: unknown })?.findings;
  if (!Array.isArray(findings))
    throw new BulwarkError(
      "PARSE",
      "the report has no findings array (use a `bulwark scan --format json` report)",
    );
  return findings
    .filter(
      (f): f is RiskFinding & { kind: string; cvss?: Array<{ score: number }> } =>
        (f as { kind?: unknown })?.kind === "vulnerability",
    )
    .map((f) => ({
      ...f,
      cvss: Array.isArray(f.cvss) && f.cvss.length ? Math.max(...f.cvss.map((c) => c.score)) : null,
    }));
}

/** Flag checks that need no file and no host, so a mistake costs no observation window. */
function checkFlags(flags: Flags, observer: Observer | undefined): number | undefined {
  if (flags.format !== "table" && flags.format !== "json")
    throw new BulwarkError("USAGE", `--format: expected table or json, got "${flags.format}"`);
  if (!flags.observe) {
    if (flags.image) throw new BulwarkError("USAGE", "--image needs --observe");
    return undefined;
  }
  if (flags.evidence)
    throw new BulwarkError("USAGE", "--observe and --evidence are exclusive: pick one source");
  if (!observer) throw new BulwarkError("USAGE", "--observe is not available in this build");
  return parseWindow(flags.window);
}

/** One line about what was observed, for people (stderr) and for JSON (the `observation` key). */
function observationSummary(o: Observed): Record<string, unknown> {
  return {
    images: o.result.images,
    window: o.ctx.inUse?.window,
    listeningPorts: o.ctx.exposure?.listeningPorts ?? [],
    northSouthFlows: o.ctx.exposure?.northSouthFlows ?? 0,
    privilege: o.ctx.privilege,
  };
}

function describe(o: Observed): string {
  const containers = o.result.images.reduce((n, i) => n + i.containers.length, 0);
  const w = o.ctx.inUse?.window;
  const ports = o.ctx.exposure?.listeningPorts ?? [];
  const outside = o.ctx.exposure?.northSouthFlows ?? 0;
  return `observed ${containers} container(s) of ${o.result.images.map((i) => i.asset).join(", ")}${w ? ` from ${w.from} to ${w.to}` : ""}; listening ports: ${ports.length ? ports.join(", ") : "none"}; connections from outside: ${outside}`;
}

function print(ranked: RiskScore[], flags: Flags, observed: Observed | undefined): void {
  const f = funnel(ranked);
  if (flags.format === "json") {
    process.stdout.write(
      `${JSON.stringify({ funnel: f, ...(observed ? { observation: observationSummary(observed) } : {}), findings: ranked.map((r) => ({ id: r.finding.id, package: r.finding.package, score: r.score, inUse: r.inUse, exposed: r.exposed, privileged: r.privileged, reasons: r.reasons, why: r.why })) }, null, 2)}\n`,
    );
    return;
  }
  if (observed) process.stderr.write(`${describe(observed)}\n`);
  process.stdout.write(
    `high/critical ${f.highOrCritical} → fixable ${f.fixable} → in use ${f.inUse} → exposed ${f.exposed}\n\n`,
  );
  for (const r of ranked.slice(0, Math.max(1, Number(flags.top) || 20))) {
    process.stdout.write(`${String(r.score).padStart(3)}  ${r.why}\n`);
  }
}

/**
 * `bulwark prioritize --report R.json [--evidence E.json | --observe [--image I] [--window W]] [--manifests PATH] [--vex-out V.json]`.
 * `observer` samples this host's containers; the CLI passes the runtime agent's collector.
 */
export function registerPrioritize(program: Command, observer?: Observer): void {
  program
    .command("prioritize")
    .description("rank a report's vulnerabilities by risk, with the reason for each, and show the funnel")
    .requiredOption("--report <file>", "a JSON report from `bulwark scan --format json`")
    .option("--evidence <file>", "runtime evidence: packages in use, exposure, privilege (JSON)")
    .option("--observe", "observe this host's running containers of the image for the evidence (needs root)")
    .option("--image <digest|ref>", "with --observe: the image to observe (default: the report's target)")
    .option("--window <duration>", "with --observe: how long to observe, e.g. 30s, 2m", "30s")
    .option("--format <format>", "table or json", "table")
    .option("--top <n>", "how many findings to list in the table", "20")
    .option("--vex-out <file>", "write OpenVEX not_affected statements for packages never loaded")
    .option(
      "--manifests <path>",
      "Kubernetes YAML (file or directory): Service, Ingress and host-port exposure",
    )
    .action(async (flags: Flags) => {
      const windowMs = checkFlags(flags, observer);
      const report = readJson(flags.report, "report");
      const findings = vulnerabilities(report);
      const target = String((report as { target?: unknown }).target ?? "unknown");
      let observed: Observed | undefined;
      if (windowMs !== undefined)
        observed = await observeContext(observer!, imageToObserve(flags.image, target), windowMs, findings);
      const ctx =
        observed?.ctx ?? (flags.evidence ? contextFromEvidence(readJson(flags.evidence, "evidence")) : {});
      if (flags.manifests) {
        const all = readManifestExposure(flags.manifests, (line) =>
          process.stderr.write(`bulwark: ${line}\n`),
        );
        const refs = [target, ...(flags.image ? [flags.image] : [])];
        const digests = refs.flatMap((r) => /sha256:[a-f0-9]{64}/.exec(r)?.[0] ?? []);
        const exposure = mergeExposure(ctx.exposure, exposureOfImage(all, { refs, digests }));
        if (exposure) ctx.exposure = exposure;
      }
      const ranked = prioritize(findings, () => ctx);
      if (flags.vexOut)
        writeFileSync(flags.vexOut, `${JSON.stringify(notInUseVex(ranked, ctx, target), null, 2)}\n`);
      print(ranked, flags, observed);
    });
}
