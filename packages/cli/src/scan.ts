import type { Command } from "commander";
import {
  cacheDir,
  REPORT_FORMATS,
  parseReportFormat,
  type RunOptions,
  type TargetKind,
} from "@bulwark/scanner";
import {
  BulwarkError,
  ExitCode,
  parseSeverity,
  severityRank,
  type Report,
  type Severity,
} from "@bulwark/model";
import {
  globalOptions,
  log,
  addImageAccessFlags,
  imageAccessFlags,
  type ImageAccessFlags,
  addNatsFlags,
  addUploadFlags,
  type UploadFlags,
} from "@bulwark/command";
import { writeChunks } from "./output.js";

interface ScanFlags extends ImageAccessFlags, UploadFlags {
  scanners?: string;
  format: string;
  output?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  failOn?: string;
  ignoreFile?: string;
  vex: string[];
  secretConfig?: string;
  disableRule: string[];
  baseline?: string;
  includeNoise?: boolean;
  skipDev?: boolean;
  compliance?: string;
  allowedRegistries?: string;
  threads?: string;
  vaultLeaks?: boolean;
  vaultAddress?: string;
  vaultToken?: string;
  malwareRules: string[];
  malwareHashes?: string;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function repeatable(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseSeverityFlag(flag: string, value: string): Severity {
  const s = parseSeverity(value);
  if (!s)
    throw new BulwarkError(
      "USAGE",
      `${flag}: unknown severity "${value}" (expected CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN)`,
    );
  return s;
}

/** True when a remaining finding is at or above the --fail-on severity. */
export function failOnMatched(report: Report, threshold: Severity): boolean {
  return report.findings.some((f) => severityRank(f.severity) >= severityRank(threshold));
}

/** --threads: a whole number from 1 to 64 (more workers than that only compete for memory). */
export function parseThreads(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 64))
    throw new BulwarkError("USAGE", `--threads: expected a whole number from 1 to 64, got "${value}"`);
  return n;
}

function runOptions(cmd: Command, flags: ScanFlags): RunOptions {
  const g = globalOptions(cmd);
  return {
    cacheDir: cacheDir(g.cacheDir),
    scanners: list(flags.scanners),
    severities: list(flags.severity).map((s) => parseSeverityFlag("--severity", s)),
    ...(flags.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
    vexFiles: flags.vex,
    ...(flags.ignoreFile ? { ignoreFile: flags.ignoreFile } : {}),
    ...(flags.secretConfig ? { secretConfig: flags.secretConfig } : {}),
    disableRules: flags.disableRule,
    ...(flags.baseline ? { baseline: flags.baseline } : {}),
    ...(flags.includeNoise ? { includeNoise: true } : {}),
    ...(flags.skipDev ? { skipDev: true } : {}),
    ...(flags.compliance ? { compliance: flags.compliance } : {}),
    ...(flags.malwareRules.length ? { malwareRules: flags.malwareRules } : {}),
    ...(flags.malwareHashes ? { malwareHashes: flags.malwareHashes } : {}),
    ...(flags.allowedRegistries ? { allowedRegistries: list(flags.allowedRegistries) } : {}),
    ...(flags.threads !== undefined ? { threads: parseThreads(flags.threads) } : {}),
    ...imageAccessFlags(flags),
    progress: (m) => log(g, m),
  };
}

async function runScan(kind: TargetKind, target: string, flags: ScanFlags, cmd: Command): Promise<void> {
  // Validate every flag before scanning: a typo must not cost a long scan.
  const format = parseReportFormat(flags.format);
  const failOn = flags.failOn ? parseSeverityFlag("--fail-on", flags.failOn) : undefined;
  const opts = runOptions(cmd, flags);
  // The server client is loaded only when an upload is asked for.
  const upload =
    flags.server || flags.token || flags.nats || flags.natsCluster
      ? await (
          await import("@bulwark/server")
        ).uploadAfterScan(
          flags,
          (m) => log(globalOptions(cmd), m),
          kind === "fs" || kind === "config" ? target : undefined,
        )
      : undefined;
  if (upload) opts.registry = upload.registry;
  // Loaded on use: `bulwark --help` and the other commands start without the scanners.
  const { scanTarget } = await import("@bulwark/scanner");
  const { renderReportChunks } = await import("@bulwark/scanner");
  let report = await scanTarget(kind, target, opts);
  if (flags.vaultLeaks) {
    // Loaded on use: only --vault-leaks starts the vault's client.
    const { markVaultLeaks } = await import("@bulwark/vault");
    const marked = await markVaultLeaks(
      report,
      { kind: kind === "image" ? "image" : "tree", ref: target },
      {
        cacheDir: opts.cacheDir,
        ...(flags.vaultAddress ? { address: flags.vaultAddress } : {}),
        ...(flags.vaultToken ? { token: flags.vaultToken } : {}),
      },
    );
    report = marked.report;
    if (marked.leaked)
      log(
        globalOptions(cmd),
        `${marked.leaked} secrets found are values the vault manages: leaked, rotate now`,
      );
  }
  for (const w of report.warnings ?? []) log(globalOptions(cmd), `warning: ${w}`);
  await writeChunks(renderReportChunks(report, format), flags.output);
  await upload?.send(report);
  if (failOn && failOnMatched(report, failOn)) process.exitCode = ExitCode.findings;
}

function addScanFlags(cmd: Command): Command {
  return addNatsFlags(addUploadFlags(addImageAccessFlags(cmd)))
    .option(
      "--scanners <list>",
      "comma-separated: vuln, misconfig, secret, malware (default depends on the target)",
    )
    .option("--format <format>", `report format: ${REPORT_FORMATS.join(", ")}`, "table")
    .option("--output <file>", "write the report to FILE instead of standard output")
    .option("--severity <list>", "only report these severities (e.g. CRITICAL,HIGH)")
    .option("--ignore-unfixed", "drop vulnerabilities that have no fixed version")
    .option("--fail-on <severity>", "exit 1 when a finding at or above SEVERITY remains")
    .option("--ignore-file <file>", "suppressions file (default: ./.bulwarkignore.yaml when present)")
    .option(
      "--vex <file>",
      "OpenVEX document; not_affected/fixed statements suppress (repeatable)",
      repeatable,
      [],
    )
    .option("--secret-config <file>", "extra secret rules (secret scanner)")
    .option("--disable-rule <id>", "disable a secret or misconfiguration rule (repeatable)", repeatable, [])
    .option("--baseline <file>", "suppress secret fingerprints listed in FILE")
    .option("--include-noise", "also scan vendored and generated files normally skipped")
    .option("--skip-dev", "leave out dev/test dependencies that lockfiles mark as such")
    .option("--compliance <name>", "compliance view: nist-800-190, cis-kubernetes, cis-docker, nsa-cisa")
    .option("--allowed-registries <list>", "registries images may come from (misconfig)")
    .option(
      "--threads <n>",
      "secret scan of trees: worker threads (default: 2 once a tree passes 32 MiB, else 1)",
    )
    .option(
      "--vault-leaks",
      "mark secrets whose value the vault manages as leaked (rotate now); needs a vault token with sudo on sys/bulwark/leaks",
    )
    .option(
      "--vault-address <url>",
      "vault address for --vault-leaks (default $VAULT_ADDR or http://127.0.0.1:8200)",
    )
    .option("--vault-token <token>", "vault token for --vault-leaks (default $VAULT_TOKEN)")
    .option(
      "--malware-rules <file>",
      "YARA rules added to the built-in ones (malware; repeatable)",
      repeatable,
      [],
    )
    .option("--malware-hashes <file>", "known-bad sha256 list, sha256sum format (malware)");
}

function subcommand(scan: Command, name: string, arg: string, kind: TargetKind, description: string): void {
  addScanFlags(scan.command(name).argument(arg).description(description)).action(
    async (target: string | undefined, flags: ScanFlags, cmd: Command) =>
      runScan(kind, target ?? "/", flags, cmd),
  );
}

/** `bulwark scan image|rootfs|fs|config|host`. */
export function registerScan(program: Command): void {
  const scan = program
    .command("scan")
    .description("scan a target for vulnerabilities, misconfigurations and secrets");
  subcommand(scan, "image", "<target>", "image", "scan a container image (registry, archive, OCI layout)");
  subcommand(scan, "rootfs", "<dir>", "rootfs", "scan an extracted root filesystem");
  subcommand(scan, "fs", "<path>", "fs", "scan a file or directory tree");
  subcommand(scan, "config", "<path>", "config", "scan Dockerfiles, Kubernetes manifests, Compose files");
  subcommand(
    scan,
    "host",
    "[root]",
    "host",
    "scan this node's configuration under ROOT (default /), read only",
  );
}
