import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { stringify } from "yaml";
import { checkListenSecurity, loadTls, parseListen, stopOnSignal } from "@bulwark/store";
import { AdmissionController } from "../admission/controller.js";
import { webhookConfiguration, webhookDeployment, webhookService } from "../admission/manifest.js";
import { startAdmissionServer } from "../admission/server.js";
import { globalOptions, imageAccessFlags, log } from "../deps.js";
import { PolicyError } from "../errors.js";
import { registryAccess } from "../policy/judge.js";
import { loadPolicySet } from "../policy/load.js";
import type { Mode } from "../policy/types.js";
import { addPolicyFlags, scanOptions, type PolicyFlags } from "./common.js";
import { catalogFacts } from "../catalog/admission-facts.js";
import { addStoreFlags, openCatalogStore, type StoreFlags } from "./catalog-context.js";

interface ServeFlags extends PolicyFlags, StoreFlags {
  tlsCert?: string;
  tlsKey?: string;
  listen: string;
  mode?: string;
  exemptNamespace: string[];
  failureMode: string;
  timeoutMs: string;
}

const repeatable = (v: string, prev: string[]) => [...prev, v];

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new PolicyError("POLICY_INVALID", `${flag}: "${value}" is not one of ${allowed.join(", ")}`);
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new PolicyError("POLICY_INVALID", `${flag}: "${value}" is not a positive integer`);
  return n;
}

async function serve(flags: ServeFlags, cmd: Command): Promise<void> {
  const g = globalOptions(cmd);
  const set = loadPolicySet(flags.policy, flags);
  const tls = loadTls(flags.tlsCert, flags.tlsKey);
  if (!tls)
    throw new PolicyError(
      "POLICY_INVALID",
      "Kubernetes calls webhooks over HTTPS: give --tls-cert and --tls-key",
    );
  const listen = parseListen(flags.listen, 8443);
  checkListenSecurity(listen, { tls: true });
  const opts = scanOptions(cmd, flags);
  const access = { ...registryAccess(opts), platform: imageAccessFlags(flags).platform };
  // With a data dir or database, catalogued digests are judged on their stored scan.
  const store = flags.dataDir || flags.database ? await openCatalogStore(flags) : undefined;
  const controller = new AdmissionController({
    set,
    access,
    ...(store ? { facts: catalogFacts(store, access) } : {}),
    mode: flags.mode ? oneOf<Mode>("--mode", flags.mode, ["enforce", "warn", "audit"]) : undefined,
    exemptNamespaces: flags.exemptNamespace,
    failureMode: oneOf("--failure-mode", flags.failureMode, ["closed", "open"] as const),
    timeoutMs: positiveInt("--timeout-ms", flags.timeoutMs),
  });
  const server = await startAdmissionServer(controller, { ...listen, https: tls, log: (l) => log(g, l) });
  log(g, `admission webhook on ${server.url} (policy version ${set.version})`);
  stopOnSignal("admission", async () => {
    await server.close();
    await store?.close();
  });
}

interface ManifestFlags {
  caFile: string;
  name: string;
  namespace: string;
  image: string;
  timeoutSeconds: string;
  failurePolicy: string;
  exemptNamespace: string[];
}

function manifest(flags: ManifestFlags): void {
  let caPem: string;
  try {
    caPem = readFileSync(flags.caFile, "utf8");
  } catch {
    throw new PolicyError("POLICY_INVALID", `--ca-file: cannot read ${flags.caFile}`);
  }
  if (!caPem.includes("-----BEGIN CERTIFICATE-----"))
    throw new PolicyError("POLICY_INVALID", `--ca-file: ${flags.caFile} is not a PEM certificate`);
  const timeoutSeconds = positiveInt("--timeout-seconds", flags.timeoutSeconds);
  if (timeoutSeconds > 30)
    throw new PolicyError("POLICY_INVALID", "--timeout-seconds: Kubernetes allows 1 to 30");
  const o = {
    name: flags.name,
    namespace: flags.namespace,
    image: flags.image,
    caPem,
    tlsSecret: `${flags.name}-tls`,
    policyConfigMap: `${flags.name}-policy`,
    timeoutSeconds,
    failurePolicy: oneOf("--failure-policy", flags.failurePolicy, ["Fail", "Ignore"] as const),
    exemptNamespaces: flags.exemptNamespace,
    port: 8443,
  };
  const docs = [webhookConfiguration(o), webhookService(o), webhookDeployment(o)];
  process.stdout.write(docs.map((d) => stringify(d)).join("---\n"));
}

/** `bulwark admission serve|manifest`. */
export function registerAdmission(program: Command): void {
  const admission = program.command("admission").description("Kubernetes validating admission webhook");
  addStoreFlags(
    addPolicyFlags(
      admission.command("serve").description("serve AdmissionReview v1 on POST /validate over TLS"),
    ),
  )
    .option("--tls-cert <pem>", "serving certificate")
    .option("--tls-key <pem>", "serving key")
    .option("--listen <addr>", "HOST:PORT to listen on", "127.0.0.1:8443")
    .option("--mode <mode>", "override the policies' mode: enforce, warn or audit")
    .option("--exempt-namespace <ns>", "namespace never checked (repeatable)", repeatable, [])
    .option(
      "--failure-mode <mode>",
      "when the registry fails or is slow: closed (deny) or open (allow, warn)",
      "closed",
    )
    .option(
      "--timeout-ms <ms>",
      "deadline for one decision; keep it below the webhook's timeoutSeconds",
      "8000",
    )
    .action((flags: ServeFlags, cmd: Command) => serve(flags, cmd));
  admission
    .command("manifest")
    .description("print the ValidatingWebhookConfiguration, Service and a hardened Deployment")
    .requiredOption(
      "--ca-file <pem>",
      "CA certificate that signed the webhook's serving certificate (caBundle)",
    )
    .option("--name <name>", "name of the webhook objects", "bulwark-admission")
    .option("--namespace <ns>", "namespace the webhook runs in", "bulwark-system")
    .option("--image <ref>", "Bulwark image", "ghcr.io/bulwark-dev/bulwark:latest")
    .option("--timeout-seconds <s>", "timeoutSeconds of the webhook (1-30)", "10")
    .option("--failure-policy <p>", "Fail (default) or Ignore", "Fail")
    .option("--exempt-namespace <ns>", "namespace never sent to the webhook (repeatable)", repeatable, [
      "kube-system",
    ])
    .action((flags: ManifestFlags) => manifest(flags));
}
