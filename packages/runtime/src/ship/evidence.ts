/**
 * Runtime evidence for the server's prioritisation, gathered by polling /proc: the files
 * each container's processes have mapped (`maps`: shared libraries, Python extension
 * modules), execute (`exe`) or hold open (`fd`), and the TCP ports its network namespace
 * listens on. Files are paths inside the container's root (the kernel prints a mapping of
 * another mount namespace relative to that namespace's root), which is what the server
 * joins with the image's inventory. Polling a long-lived state rather than catching the
 * open() events means nothing depends on seeing a container's first milliseconds.
 * Each process's privilege (effective uid, CapEff) and the container's host mounts are
 * gathered the same way (privilege.ts).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { EvidenceUpload } from "../deps.js";
import { ContextResolver } from "../context/index.js";
import type { ContainerInfo } from "../events/index.js";
import { PrivilegeAccumulator, processPrivilege } from "./privilege.js";
import { DEFAULT_INSIDE_CIDRS, readExposure } from "./sockets.js";

/** What `POST /api/v1/evidence` takes, one item, as this collector makes it. */
export type EvidenceItem = EvidenceUpload & {
  id: string;
  kind: "loaded_files" | "listening_ports" | "privilege" | "flows";
};

/** Bound per image, so a process mapping ever new files cannot grow the agent without end. */
const MAX_FILES = 20_000;
/** Bound per image on the north-south connections kept (peer and port). */
const MAX_PEERS = 1_000;

interface Seen {
  from: number;
  files: Set<string>;
  ports: Set<number>;
  /** "peer>port": connections from outside the cluster to a listening port (sockets.ts). */
  northSouth: Set<string>;
  containers: Set<string>;
  privilege: PrivilegeAccumulator;
  /** A process of the image (its init when known): its root is the container's filesystem. */
  pid?: number;
}

export interface CollectorOptions {
  procRoot?: string;
  resolver?: ContextResolver;
  /** Only containers this accepts are observed (`bulwark prioritize --observe --image`). */
  match?: (c: ContainerInfo) => boolean;
  /** Names the agent's source in the evidence it makes. */
  source?: string;
  /** Addresses inside the cluster; a peer outside them is north-south (default: private ranges). */
  insideCidrs?: readonly string[];
}

/** The server's name for an image: its manifest digest (what `bulwark scan`/`sbom` record). */
export function assetOfContainer(c: ContainerInfo): string | undefined {
  return c.imageDigest;
}

export class EvidenceCollector {
  private readonly seen = new Map<string, Seen>();
  private readonly resolver: ContextResolver;
  private readonly node = hostname();

  constructor(private readonly o: CollectorOptions = {}) {
    this.resolver = o.resolver ?? new ContextResolver(o.procRoot ? { procRoot: o.procRoot } : {});
  }

  /**
   * One pass over /proc; returns, per image seen so far, everything observed since this
   * agent first saw it (so each item stands alone for its window).
   */
  collect(now = Date.now()): EvidenceItem[] {
    const root = this.o.procRoot ?? "/proc";
    const netnsDone = new Set<string>();
    for (const name of list(root)) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      const ctx = this.resolver.resolve(pid, 0n);
      if (ctx.container.id === "host") continue;
      const asset = assetOfContainer(ctx.container);
      if (!asset || (this.o.match && !this.o.match(ctx.container))) continue;
      let s = this.seen.get(asset);
      if (!s) this.seen.set(asset, (s = fresh(now)));
      s.containers.add(ctx.container.id);
      s.pid = ctx.initPid ?? pid; // the init lives as long as the container
      s.privilege.add(processPrivilege(join(root, name)), ctx.container);
      for (const f of processFiles(join(root, name))) if (s.files.size < MAX_FILES) s.files.add(f);
      const netns = link(join(root, name, "ns/net"));
      if (netns && !netnsDone.has(netns)) {
        netnsDone.add(netns);
        const seen = readExposure(join(root, name, "net"), this.o.insideCidrs ?? DEFAULT_INSIDE_CIDRS);
        for (const p of seen.ports) s.ports.add(p);
        for (const c of seen.northSouth) if (s.northSouth.size < MAX_PEERS) s.northSouth.add(c);
      }
    }
    return [...this.seen].flatMap(([asset, s]) => this.items(asset, s, now));
  }

  /** Images seen so far, each with the containers and the last process seen running it. */
  observed(): Array<{ asset: string; containers: string[]; pid?: number }> {
    return [...this.seen].map(([asset, s]) => ({
      asset,
      containers: [...s.containers].sort(),
      ...(s.pid !== undefined ? { pid: s.pid } : {}),
    }));
  }

  private items(asset: string, s: Seen, now: number): EvidenceItem[] {
    const base = { asset, from: new Date(s.from).toISOString(), to: new Date(now).toISOString() };
    const common = { node: this.node, containers: [...s.containers].sort() };
    const loaded = {
      ...common,
      source: `${this.o.source ?? "runtime watch"}: /proc/PID/maps, exe and open files`,
      files: [...s.files].sort(),
    };
    const ports = { ...common, ports: [...s.ports].sort((a, b) => a - b) };
    const privilege = { ...common, ...s.privilege.value };
    const flows = { ...common, northSouth: [...s.northSouth].sort() };
    return [
      { ...base, kind: "loaded_files" as const, data: loaded },
      { ...base, kind: "listening_ports" as const, data: ports },
      { ...base, kind: "privilege" as const, data: privilege },
      { ...base, kind: "flows" as const, data: flows },
    ].map((e) => ({ id: idOf(this.node, e), ...e }));
  }
}

function fresh(now: number): Seen {
  return {
    from: now,
    files: new Set(),
    ports: new Set(),
    northSouth: new Set(),
    containers: new Set(),
    privilege: new PrivilegeAccumulator(),
  };
}

/** Stable per node, image, kind and window: a re-sent item is recognised by the server. */
function idOf(node: string, e: Omit<EvidenceItem, "id">): string {
  const h = createHash("sha256")
    .update(JSON.stringify([node, e.asset, e.kind, e.from, e.to]))
    .digest("hex");
  return `ev-${h.slice(0, 48)}`;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function link(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Regular files only: sockets, pipes and anonymous mappings name no package. */
export function processFiles(dir: string): string[] {
  const out = new Set<string>();
  try {
    for (const line of readFileSync(join(dir, "maps"), "utf8").split("\n")) {
      const path = line.split(/\s+/).slice(5).join(" ");
      if (path.startsWith("/")) out.add(path.replace(/ \(deleted\)$/, ""));
    }
  } catch {
    /* exited, or a kernel thread */
  }
  const exe = link(join(dir, "exe"));
  if (exe?.startsWith("/")) out.add(exe.replace(/ \(deleted\)$/, ""));
  for (const fd of list(join(dir, "fd"))) {
    const target = link(join(dir, "fd", fd));
    if (target?.startsWith("/") && !/^\/(proc|dev|sys)\//.test(target)) out.add(target);
  }
  return [...out];
}

/**
 * TCP ports listened on beyond loopback: a socket bound to 127.0.0.1 or ::1 cannot be
 * reached from outside the pod, so it does not make a finding "exposed".
 */
export function listeningPorts(netDir: string): number[] {
  return readExposure(netDir, DEFAULT_INSIDE_CIDRS).ports;
}
