/**
 * `bulwark runtime watch [--rules …] [--format json|text]`: run the sensor on this host,
 * evaluate rules on every event and raise alerts until SIGINT/SIGTERM (or --duration).
 */
import { createWriteStream } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { AlertSink, parseOutputSpec, type AlertFormat } from "../alerts/index.js";
import { cacheDir } from "../deps.js";
import { RuntimeError } from "../errors.js";
import { checkCidr } from "../flows/cidr.js";
import { RuleEngine, defaultRuleFiles, loadRuleFiles } from "../rules/index.js";
import { SensorError } from "../sensor/errors.js";
import { BaselineGuard } from "../baseline/guard.js";
import { BaselineStore } from "../baseline/store.js";
import { HttpTransport, startShipping, type Shipping, type ShipTransport } from "../ship/index.js";
import { BASELINE_DEVIATION, loadResponsesFile, type ResponseEntry } from "../response/index.js";
import { Agent, type SensorKind } from "./agent.js";

interface WatchFlags {
  rules: string[];
  defaultRules?: boolean;
  format: string;
  output: string[];
  sensor: string;
  duration?: string;
  record?: string;
  statusFile?: string;
  rateBurst: string;
  ratePerMinute: string;
  baselineDir?: string;
  respond?: boolean;
  responses?: string;
  server?: string;
  token?: string;
  nats?: string;
  natsCluster?: string;
  spoolDir?: string;
  spoolMaxMb: string;
  evidenceInterval: string;
  clusterCidr: string[];
}

const repeatable = (v: string, prev: string[]): string[] => [...prev, v];

export function statusFilePath(cmd: Command, override?: string): string {
  const g = cmd.optsWithGlobals() as { cacheDir?: string };
  return override ?? join(cacheDir(g.cacheDir), "runtime", "status.json");
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new RuntimeError("USAGE", `${flag}: expected a positive number, got "${v}"`);
  return n;
}

export async function watch(flags: WatchFlags, cmd: Command): Promise<void> {
  if (flags.format !== "json" && flags.format !== "text")
    throw new RuntimeError("USAGE", `--format: expected json or text, got "${flags.format}"`);
  if (flags.sensor !== "bpftrace" && flags.sensor !== "proc")
    throw new RuntimeError("USAGE", `--sensor: expected bpftrace or proc, got "${flags.sensor}"`);
  const duration = flags.duration === undefined ? undefined : positive("--duration", flags.duration);
  const format = flags.format as AlertFormat;
  const files =
    flags.rules.length === 0 || flags.defaultRules ? [...flags.rules, ...defaultRuleFiles()] : flags.rules;
  const loaded = loadRuleFiles(files);
  const engine = new RuleEngine(loaded.rules);
  const outputs = (flags.output.length ? flags.output : ["stdout"]).map((s) => parseOutputSpec(s, format));
  const shipping = await shippingFrom(flags, cmd);
  if (shipping) outputs.push(shipping.output);
  const sink = new AlertSink(outputs, {
    burst: positive("--rate-burst", flags.rateBurst),
    perMinute: positive("--rate-per-minute", flags.ratePerMinute),
  });
  const responses = responsesFrom(flags, new Set(engine.active.map((r) => r.name)));
  const recorder = flags.record ? createWriteStream(flags.record, { flags: "a" }) : undefined;
  const agent = new Agent({
    sensor: flags.sensor as SensorKind,
    engine,
    rulesLoaded: engine.active.length,
    sink,
    statusFile: statusFilePath(cmd, flags.statusFile),
    onEvent: recorder ? (e) => recorder.write(`${JSON.stringify(e)}\n`) : undefined,
    baseline: flags.baselineDir
      ? { guard: new BaselineGuard(new BaselineStore(flags.baselineDir)) }
      : undefined,
    responses,
  });
  await agent.start();
  shipping?.start();
  const lossy = agent.stats.lossy
    ? " (LOSSY /proc polling: short-lived processes and all file/privilege events are missed)"
    : "";
  const skipped = agent.stats.skippedProbes.length
    ? `; probes unavailable on this kernel: ${agent.stats.skippedProbes.join(", ")}`
    : "";
  process.stderr.write(
    `runtime watch: sensor ${flags.sensor} attached${lossy}, ${engine.active.length} rules active, ${loaded.warnings.length} rule warnings${skipped}\n`,
  );
  const stopped = await new Promise<"signal" | "duration" | "sensor">((resolve) => {
    process.once("SIGINT", () => resolve("signal"));
    process.once("SIGTERM", () => resolve("signal"));
    if (duration) setTimeout(() => resolve("duration"), duration * 1000).unref();
    void agent.sensorDone.then(() => resolve("sensor"));
  });
  await agent.stop();
  await shipping?.stop();
  await new Promise<void>((r) => (recorder ? recorder.end(() => r()) : r()));
  const s = agent.stats;
  process.stderr.write(
    `runtime watch: ${s.events} events, ${sink.sent} alerts (${sink.limiter.suppressedTotal} suppressed), ${s.lost} lost, ${s.parseErrors} parse errors\n`,
  );
  if (shipping) {
    const t = shipping.stats;
    process.stderr.write(
      `runtime watch: server: ${t.sent} items sent, ${t.pending} batches left in the spool, ${t.dropped} dropped (spool full), ${t.unwritable} unwritable, ${t.rejected} refused\n`,
    );
  }
  if (stopped === "sensor")
    throw new SensorError("SENSOR_FAILED", `the sensor stopped: ${agent.sensorReason()}`);
}

/**
 * `--responses FILE`, checked before the sensor starts: every rule it names must be loaded (a
 * misspelt rule would silently never respond). `--respond` (older flag) enables a kill for
 * protect-mode deviations when the file says nothing about them, enabled by whoever ran it.
 */
function responsesFrom(flags: WatchFlags, loaded: Set<string>): ResponseEntry[] {
  const entries = flags.responses ? loadResponsesFile(flags.responses) : [];
  for (const e of entries)
    if (e.rule !== BASELINE_DEVIATION && !loaded.has(e.rule))
      throw new RuntimeError(
        "RESPONSES_INVALID",
        `${e.at}: rule "${e.rule}" is not among the rules loaded (nor ${BASELINE_DEVIATION})`,
      );
  if (flags.respond && !entries.some((e) => e.rule === BASELINE_DEVIATION))
    entries.push({
      rule: BASELINE_DEVIATION,
      action: "kill",
      host: false,
      enabled: { by: `${userInfo().username} (--respond)`, at: new Date().toISOString() },
      at: "--respond",
    });
  return entries;
}

/** `--server URL` or `--nats URL`: checked before the sensor starts, so a typo does not cost a run. */
async function transportFrom(
  flags: WatchFlags,
  log: (line: string) => void,
): Promise<ShipTransport | undefined> {
  if (flags.nats || flags.natsCluster) {
    if (!flags.nats) throw new RuntimeError("USAGE", "--nats-cluster needs --nats");
    if (flags.server || flags.token)
      throw new RuntimeError(
        "USAGE",
        "--nats publishes instead of uploading: leave out --server and --token",
      );
    if (!/^(nats|tls):\/\/./.test(flags.nats))
      throw new RuntimeError("USAGE", "--nats must be a nats:// or tls:// URL");
    const { NatsTransport } = await import("../ship/nats.js");
    return new NatsTransport(flags.nats, flags.natsCluster ?? "default", hostname(), log);
  }
  if (!flags.server) {
    if (flags.token) throw new RuntimeError("USAGE", "--token needs --server");
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(flags.server);
  } catch {
    throw new RuntimeError("USAGE", `--server: not a URL: ${flags.server}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new RuntimeError("USAGE", "--server must be an http:// or https:// URL");
  const token = flags.token ?? process.env.BULWARK_TOKEN;
  if (!token) throw new RuntimeError("USAGE", "--server needs --token (or $BULWARK_TOKEN)");
  return new HttpTransport(flags.server, token, log);
}

async function shippingFrom(flags: WatchFlags, cmd: Command): Promise<Shipping | undefined> {
  const log = (line: string): void => void process.stderr.write(`runtime watch: ${line}\n`);
  const transport = await transportFrom(flags, log);
  if (!transport) return undefined;
  for (const c of flags.clusterCidr)
    try {
      checkCidr(c);
    } catch (e) {
      throw new RuntimeError("USAGE", `--cluster-cidr: ${(e as Error).message}`);
    }
  const g = cmd.optsWithGlobals() as { cacheDir?: string };
  return startShipping({
    ...(flags.clusterCidr.length ? { insideCidrs: flags.clusterCidr } : {}),
    transport,
    spoolDir: flags.spoolDir ?? join(cacheDir(g.cacheDir), "runtime", "spool"),
    spoolMaxBytes: positive("--spool-max-mb", flags.spoolMaxMb) * 1024 * 1024,
    evidenceIntervalMs: positive("--evidence-interval", flags.evidenceInterval) * 1000,
    log,
  });
}

export function registerWatchCommand(runtime: Command): void {
  runtime
    .command("watch")
    .description(
      "Watch this host's containers with the eBPF sensor, evaluate rules and raise alerts (needs root)",
    )
    .option("--rules <file>", "rule file (repeatable); default: Bulwark's default rules", repeatable, [])
    .option("--default-rules", "also load Bulwark's default rules when --rules is given")
    .option("--format <format>", "alert format on stdout/file outputs: json or text", "json")
    .option(
      "--output <spec>",
      "alert output (repeatable): stdout, file:PATH, webhook:URL, slack:URL, syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT",
      repeatable,
      [],
    )
    .option("--sensor <kind>", "bpftrace (eBPF) or proc (lossy /proc polling fallback)", "bpftrace")
    .option("--duration <seconds>", "stop after this many seconds")
    .option("--record <file>", "also append every event to FILE (JSON lines, replayable)")
    .option("--status-file <file>", "where to keep the status `runtime status` reads")
    .option("--rate-burst <n>", "alerts per rule and container sent in a burst before rate limiting", "20")
    .option("--rate-per-minute <n>", "sustained alerts per rule and container per minute", "60")
    .option(
      "--baseline-dir <dir>",
      "learn baselines per image into DIR (candidates), and check workloads whose approved baseline there is in monitor or protect mode",
    )
    .option(
      "--respond",
      "act on protect-mode deviations (kill the process) when --responses says nothing about baseline-deviation; without either they are recorded as dry runs",
    )
    .option(
      "--responses <file>",
      "response actions per rule (kill, pause, stop, isolate): YAML, see docs/runtime-response.md; entries nobody enabled are dry runs",
    )
    .option("--server <url>", "stream alerts and runtime evidence to a Bulwark server")
    .option("--token <token>", "API token with the ingest scope (default: $BULWARK_TOKEN)")
    .option(
      "--nats <url>",
      "publish alerts and evidence to NATS JetStream (nats://[user:pass@]host:port) for `bulwark serve --nats`, instead of --server",
    )
    .option(
      "--nats-cluster <name>",
      "cluster part of the subjects bulwark.runtime.<alerts|evidence>.<cluster>.<node> (default: default)",
    )
    .option("--spool-dir <dir>", "where alerts and evidence wait while the server is unreachable")
    .option("--spool-max-mb <n>", "bound of the spool; over it the oldest batches are dropped", "256")
    .option("--evidence-interval <seconds>", "how often loaded files and listening ports are sampled", "30")
    .option(
      "--cluster-cidr <cidr>",
      "with --server: addresses inside the cluster (repeatable); a connection from elsewhere is north-south (default: private, CGNAT and link-local ranges)",
      repeatable,
      [],
    )
    .action(async (flags: WatchFlags, cmd: Command) => watch(flags, cmd));
}
