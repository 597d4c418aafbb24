import type { UploadFlags } from "@bulwark/command";
import type { Inventory, Report, Scanner } from "../deps.js";

/**
 * Checks the flags before the scan (a typo must not cost a long scan) and returns the scanner
 * registry to use plus the step that uploads once the scan is done (to the HTTP API with
 * --server, to NATS JetStream with --nats); undefined without either.
 * `tree`: the scanned directory or file, whose Kubernetes manifests' exposure (Services,
 * Ingresses, host ports) goes with a misconfiguration scan, for the server's ranking.
 */
export async function uploadAfterScan(
  flags: UploadFlags,
  log: (line: string) => void,
  tree?: string,
): Promise<{ registry: Scanner[]; send(report: Report): Promise<void> } | undefined> {
  if (flags.nats || flags.natsCluster) return publishAfterScan(await checkNatsFlags(flags), log, tree);
  const checked = await checkUploadFlags(flags);
  if (!checked) return undefined;
  const { url, token } = checked;
  const { captureInventory, uploadScan } = await import("../client.js");
  const capture = captureInventory();
  return {
    registry: capture.registry,
    async send(report) {
      const exposure = await treeExposure(report, tree);
      const r = await uploadScan(
        report,
        capture.inventory(),
        { server: flags.server!, token, log },
        exposure,
      );
      log(
        `uploaded to ${url.origin}: scan ${r.scanId}${r.duplicate ? " (already stored)" : `, ${r.new} new, ${r.fixed} fixed, ${r.reopened} reopened`}`,
      );
    },
  };
}

/** `bulwark sbom … --server`: the same flag checks; the inventory is uploaded after it is written. */
export async function uploadAfterSbom(
  flags: UploadFlags,
  log: (line: string) => void,
): Promise<{ send(inventory: Inventory): Promise<void> } | undefined> {
  const checked = await checkUploadFlags(flags);
  if (!checked) return undefined;
  const { url, token } = checked;
  const { uploadInventory } = await import("../client.js");
  return {
    async send(inventory) {
      const r = await uploadInventory(inventory, { server: flags.server!, token, log });
      const m = r.matched
        ? `matched against advisories ${r.matched.dbVersion}: ${r.matched.new} new findings`
        : "the server has no advisory database yet; it matches at its next update";
      log(
        `uploaded to ${url.origin}: inventory of ${r.packages} packages${r.duplicate ? " (already stored)" : ""}, ${m}`,
      );
    },
  };
}

/** `--nats URL`: the same upload, published to JetStream for `bulwark serve --nats` to ingest. */
async function publishAfterScan(
  nats: { url: string; cluster?: string },
  log: (line: string) => void,
  tree?: string,
): Promise<{ registry: Scanner[]; send(report: Report): Promise<void> }> {
  const { captureInventory, scanUploadBody } = await import("../client.js");
  const { publishScan, scanSubject, shownNatsUrl } = await import("../fleet/publish.js");
  const capture = captureInventory();
  return {
    registry: capture.registry,
    async send(report) {
      const body = scanUploadBody(report, capture.inventory(), await treeExposure(report, tree));
      const r = await publishScan(nats.url, scanSubject(nats.cluster), body);
      log(
        `published to ${shownNatsUrl(nats.url)}: ${r.subject}, stream ${r.stream} #${r.seq}${r.duplicate ? " (already there)" : ""}`,
      );
    },
  };
}

async function treeExposure(report: Report, tree: string | undefined) {
  const scanners = report.summary.scanners;
  // Standard input ("-") was consumed by the scan: its manifests' exposure is not sent.
  if (!tree || tree === "-" || !Array.isArray(scanners) || !scanners.includes("misconfig")) return undefined;
  const { readManifestExposure } = await import("@bulwark/prioritize");
  // Files that are not YAML are already in the report's misconfiguration issues.
  return readManifestExposure(tree, () => undefined);
}

async function checkNatsFlags(flags: UploadFlags): Promise<{ url: string; cluster?: string }> {
  const { ServerError } = await import("../errors.js");
  if (!flags.nats) throw new ServerError("USAGE", "--nats-cluster needs --nats");
  if (flags.server || flags.token)
    throw new ServerError("USAGE", "--nats publishes instead of uploading: leave out --server and --token");
  let url: URL;
  try {
    url = new URL(flags.nats);
  } catch {
    throw new ServerError("USAGE", `--nats: not a URL: ${flags.nats}`);
  }
  if (url.protocol !== "nats:" && url.protocol !== "tls:")
    throw new ServerError("USAGE", "--nats must be a nats:// or tls:// URL");
  return { url: flags.nats, ...(flags.natsCluster ? { cluster: flags.natsCluster } : {}) };
}

async function checkUploadFlags(flags: UploadFlags): Promise<{ url: URL; token: string } | undefined> {
  // Loaded on use: the CLI starts without the server code and the scanner registry.
  const { ServerError } = await import("../errors.js");
  if (!flags.server) {
    if (flags.token) throw new ServerError("USAGE", "--token needs --server");
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(flags.server);
  } catch {
    throw new ServerError("USAGE", `--server: not a URL: ${flags.server}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ServerError("USAGE", "--server must be an http:// or https:// URL");
  const token = flags.token ?? process.env.BULWARK_TOKEN;
  if (!token) throw new ServerError("USAGE", "--server needs --token (or $BULWARK_TOKEN)");
  return { url, token };
}
