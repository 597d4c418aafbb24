/**
 * Flow aggregation rate on a generated stream shaped like a busy node: 40 workloads, each
 * connecting to a few others and to external addresses, every connection seen from both
 * ends when both are local (connect + accept). Goal: 50,000 connections per second.
 */
import type { RuntimeEvent } from "../../packages/runtime/src/events/types.js";
import { FlowAggregator } from "../../packages/runtime/src/flows/aggregate.js";

const GOAL = 50_000;

function stream(connections: number): RuntimeEvent[] {
  const out: RuntimeEvent[] = [];
  const t0 = Date.parse("2026-12-03T10:00:00Z");
  for (let i = 0; i < connections; i++) {
    const src = i % 40;
    const dst = (src * 7 + (i % 3)) % 40;
    const external = i % 5 === 0;
    const time = new Date(t0 + i / 50).toISOString();
    const proc = {
      pid: 1000 + src,
      ppid: 1,
      name: "app",
      exe: "app",
      args: [],
      uid: 0,
      gid: 0,
      ancestors: [],
    };
    const base = { schema: 1, source: "bpftrace", time, family: "ipv4", protocol: "tcp" } as const;
    const serverIp = external ? `203.0.113.${i % 200}` : `10.1.0.${dst + 1}`;
    out.push({
      ...base,
      type: "connect",
      process: proc,
      container: { id: `c${src}`, name: `w${src}` },
      remote: { ip: serverIp, port: 8080 },
    } as unknown as RuntimeEvent);
    if (!external)
      out.push({
        ...base,
        type: "accept",
        process: { ...proc, pid: 2000 + dst },
        container: { id: `c${dst}`, name: `w${dst}` },
        local: { ip: serverIp, port: 8080 },
        remote: { ip: `10.1.0.${src + 1}`, port: 40000 + (i % 20000) },
      } as unknown as RuntimeEvent);
  }
  return out;
}

export async function run(args: string[]): Promise<void> {
  const connections = Number(args.find((a) => /^\d+$/.test(a)) ?? 500_000);
  const events = stream(connections);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const agg = new FlowAggregator(["10.0.0.0/8"]);
  for (const e of events) agg.add(e);
  const flows = agg.flows();
  const wall = (performance.now() - t0) / 1000;
  const d = process.cpuUsage(c0);
  const cpu = (d.user + d.system) / 1e6;
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(
    `${fmt(connections)} connections (${fmt(events.length)} events) → ${flows.length} flows: ` +
      `${fmt(connections / cpu)} connections per CPU-second, ${fmt(connections / wall)}/s wall (goal ≥ ${fmt(GOAL)}/s); ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; load ${(await import("node:os")).loadavg()[0]!.toFixed(1)}`,
  );
}
