/**
 * `runtime watch --server|--nats`: alerts and evidence to a Bulwark server through a disk spool.
 * Evidence is collected on its own timer from /proc, independent of the event sensor.
 */
import { ServerAlertOutput } from "./alerts.js";
import { EvidenceCollector } from "./evidence.js";
import { Shipper, type ShipperStats } from "./shipper.js";
import { DiskSpool } from "./spool.js";
import type { ShipTransport } from "./transport.js";

export { DiskSpool, type SpoolBatch, type SpoolStats } from "./spool.js";
export { Shipper, type ShipperOptions, type ShipperStats } from "./shipper.js";
export { HttpTransport, type ShipTransport, type SendOutcome } from "./transport.js";
export { EvidenceCollector, listeningPorts, processFiles, type EvidenceItem } from "./evidence.js";
export { ServerAlertOutput, toAlertUpload, type AlertUpload } from "./alerts.js";
export { observeImage, runsImage, normaliseRef, type ObserveOptions, type Observation } from "./observe.js";
export { parseStatus, type PrivilegeEvidence } from "./privilege.js";

export interface ShippingOptions {
  transport: ShipTransport;
  spoolDir: string;
  spoolMaxBytes: number;
  evidenceIntervalMs: number;
  log: (line: string) => void;
  procRoot?: string;
  /** Addresses inside the cluster, for north-south flows (default: private ranges). */
  insideCidrs?: readonly string[];
}

export interface Shipping {
  output: ServerAlertOutput;
  readonly stats: ShipperStats;
  start(): void;
  /** Takes a last evidence snapshot, spools everything and tries one last send. */
  stop(): Promise<void>;
}

export function startShipping(o: ShippingOptions): Shipping {
  const spool = new DiskSpool(o.spoolDir, o.spoolMaxBytes);
  const shipper = new Shipper({ transport: o.transport, spool, log: o.log });
  const collector = new EvidenceCollector({
    ...(o.procRoot ? { procRoot: o.procRoot } : {}),
    ...(o.insideCidrs ? { insideCidrs: o.insideCidrs } : {}),
  });
  const snapshot = (): void => {
    for (const e of collector.collect()) shipper.enqueue("evidence", e);
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    output: new ServerAlertOutput(shipper),
    get stats() {
      return shipper.stats;
    },
    start() {
      shipper.start();
      snapshot();
      timer = setInterval(snapshot, o.evidenceIntervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      snapshot();
      await shipper.stop();
    },
  };
}
