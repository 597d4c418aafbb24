import type { UploadFlags } from "@bulwark/command";
import type { Report, Scanner } from "../deps.js";

/**
 * Checks the flags before the scan (a typo must not cost a long scan) and returns the scanner
 * registry to use plus the step that uploads once the scan is done; undefined without --server.
 */
export async function uploadAfterScan(
  flags: UploadFlags,
  log: (line: string) => void,
): Promise<{ registry: Scanner[]; send(report: Report): Promise<void> } | undefined> {
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
  const { captureInventory, uploadScan } = await import("../client.js");
  const capture = captureInventory();
  return {
    registry: capture.registry,
    async send(report) {
      const r = await uploadScan(report, capture.inventory(), { server: flags.server!, token, log });
      log(
        `uploaded to ${url.origin}: scan ${r.scanId}${r.duplicate ? " (already stored)" : `, ${r.new} new, ${r.fixed} fixed, ${r.reopened} reopened`}`,
      );
    },
  };
}
