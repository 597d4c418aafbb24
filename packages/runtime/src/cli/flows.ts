/**
 * `bulwark runtime flows EVENTS|- [--format table|json|dot] [--cluster-cidr CIDR…] [--netpol]`:
 * network flows between workloads from a recorded event stream (`runtime watch --record`,
 * or Falco/Tetragon JSON), classified east-west or north-south; `--netpol` prints Kubernetes
 * NetworkPolicy YAML per workload instead.
 */
import type { Command } from "commander";
import { RuntimeError } from "../errors.js";
import { columns } from "./table.js";
import { type Flow, FlowAggregator } from "../flows/aggregate.js";
import { checkCidr } from "../flows/cidr.js";
import { networkPoliciesYaml } from "../flows/netpol.js";
import { INPUT_FORMATS, openInput, readEvents, type InputFormat, type StreamStats } from "../inputs/index.js";

interface FlowFlags {
  format: string;
  clusterCidr: string[];
  netpol?: boolean;
  inputFormat: string;
}

const label = (p: Flow["src"]) => (p.kind === "workload" ? p.name : p.kind === "host" ? "(host)" : p.name);

function table(flows: Flow[]): string {
  const rows = [
    ["SOURCE", "DESTINATION", "PORT", "DIRECTION", "CONNECTIONS", "FIRST SEEN", "LAST SEEN"],
    ...flows.map((f) => [
      label(f.src),
      label(f.dst),
      `${f.port}/${f.protocol}`,
      f.direction,
      String(f.connections),
      f.firstSeen,
      f.lastSeen,
    ]),
  ];
  return columns(rows);
}

function dot(flows: Flow[]): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = flows.map(
    (f) =>
      `  ${q(label(f.src))} -> ${q(label(f.dst))} [label=${q(`${f.port}/${f.protocol}`)}${f.direction === "north-south" ? ", style=dashed" : ""}];`,
  );
  return `digraph flows {\n${lines.join("\n")}\n}\n`;
}

async function flowsCommand(path: string, f: FlowFlags): Promise<void> {
  if (!["table", "json", "dot"].includes(f.format))
    throw new RuntimeError("USAGE", `--format: expected table, json or dot, got "${f.format}"`);
  if (!INPUT_FORMATS.includes(f.inputFormat as InputFormat))
    throw new RuntimeError(
      "USAGE",
      `--input-format: expected one of ${INPUT_FORMATS.join(", ")}, got "${f.inputFormat}"`,
    );
  for (const c of f.clusterCidr)
    try {
      checkCidr(c);
    } catch (e) {
      throw new RuntimeError("USAGE", `--cluster-cidr: ${(e as Error).message}`);
    }
  const agg = new FlowAggregator(f.clusterCidr);
  const stats: StreamStats = { lines: 0, events: 0, skipped: {} };
  for await (const e of readEvents(openInput(path), f.inputFormat as InputFormat, stats)) agg.add(e);
  const flows = agg.flows();
  if (f.netpol) process.stdout.write(networkPoliciesYaml(flows));
  else if (f.format === "json")
    process.stdout.write(`${JSON.stringify({ flows, listening: agg.listening() }, null, 2)}\n`);
  else process.stdout.write(f.format === "dot" ? dot(flows) : table(flows));
  const skipped = Object.entries(stats.skipped).map(([k, v]) => `${k}: ${v}`);
  process.stderr.write(
    `${flows.length} flows from ${stats.events} events` +
      (skipped.length ? `; skipped lines: ${skipped.join(", ")}` : "") +
      "\n",
  );
}

export function registerFlowsCommand(runtime: Command): void {
  runtime
    .command("flows")
    .description(
      "Network flows between workloads from recorded events (runtime watch --record), or NetworkPolicy YAML from them",
    )
    .argument("<events>", "JSON-lines file of events, or - for stdin")
    .option("--format <format>", "table, json or dot", "table")
    .option(
      "--cluster-cidr <cidr>",
      "address range inside the cluster (repeatable): flows to it are east-west",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option(
      "--netpol",
      "print a Kubernetes NetworkPolicy per workload (default deny, observed flows and DNS allowed)",
    )
    .option("--input-format <format>", `event format: ${INPUT_FORMATS.join(", ")}`, "auto")
    .action((path: string, f: FlowFlags) => flowsCommand(path, f));
}
