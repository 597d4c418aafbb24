/**
 * pid + cgroup id → container context, cached with expiry so a busy container costs one
 * lookup per TTL, and a short-lived container is still attributed from the cache after
 * runc has deleted its state. Lookups are synchronous (small files, only on a miss) so
 * events keep their order.
 */
import { type ContainerInfo, type K8sInfo, HOST_CONTAINER_ID } from "../events/index.js";
import { readBundleMeta } from "./bundle.js";
import { CgroupIndex, cgroupPathOfPid, findCgroup2Mount } from "./cgroup.js";
import { readDockerMeta } from "./docker.js";
import { containerIdFromCgroupPath } from "./ids.js";
import { listRuncStates, RUNC_STATE_ROOTS, type RuncState } from "./runc.js";

export interface ResolvedContext {
  container: ContainerInfo;
  k8s?: K8sInfo;
  /** The container's first process (runc state), when known: a pid that lives as long as it. */
  initPid?: number;
}

export interface ResolverOptions {
  /** How long a resolved container stays cached after its last use (ms). */
  ttlMs?: number;
  /**
   * How long "this cgroup is the host" stays cached (ms); short, as a container may be
   * starting: on the 6.18 kernel of the development VM a runc container's first events
   * resolve to the host, and the 2 s this used to be kept its first connections there.
   */
  hostTtlMs?: number;
  stateRoots?: typeof RUNC_STATE_ROOTS;
  dockerRoot?: string;
  procRoot?: string;
  cgroup2Mount?: string;
  now?: () => number;
}

interface Entry {
  value: ResolvedContext;
  expires: number;
}

const HOST: ResolvedContext = { container: { id: HOST_CONTAINER_ID } };

export class ContextResolver {
  private readonly cache = new Map<string, Entry>();
  private readonly seen = new Map<string, ContainerInfo>();
  private readonly index: CgroupIndex;
  private readonly mount: string | undefined;
  private readonly now: () => number;
  lookups = 0;
  hits = 0;

  constructor(private readonly o: ResolverOptions = {}) {
    this.mount = o.cgroup2Mount ?? findCgroup2Mount();
    this.now = o.now ?? (() => Date.now());
    this.index = new CgroupIndex(this.mount, 250, this.now);
  }

  /** Containers attributed so far (id → info), for `runtime status`. */
  containersSeen(): ContainerInfo[] {
    return [...this.seen.values()];
  }

  resolve(pid: number, cgroupId: bigint): ResolvedContext {
    this.lookups++;
    const key = cgroupId > 0n ? `c${cgroupId}` : `p${pid}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) {
      this.hits++;
      if (hit.value !== HOST) hit.expires = now + this.ttl();
      return hit.value;
    }
    const path =
      (cgroupId > 0n ? this.index.pathOf(cgroupId) : undefined) ?? cgroupPathOfPid(pid, this.o.procRoot);
    const value = path ? this.fromCgroupPath(path) : undefined;
    // An unknown path (cgroup already gone, no live pid) keeps an earlier answer if any.
    const result = value ?? hit?.value ?? HOST;
    this.cache.set(key, {
      value: result,
      expires: now + (result === HOST ? (this.o.hostTtlMs ?? 250) : this.ttl()),
    });
    if (result !== HOST) this.seen.set(result.container.id, result.container);
    if (this.cache.size > 10_000) this.evict(now);
    return result;
  }

  private ttl(): number {
    return this.o.ttlMs ?? 10 * 60_000;
  }

  private evict(now: number): void {
    for (const [k, e] of this.cache) if (e.expires <= now) this.cache.delete(k);
  }

  /** A cgroup path → container: runc state first (it names any path), then id patterns. */
  fromCgroupPath(path: string): ResolvedContext | undefined {
    const state = listRuncStates(this.o.stateRoots, this.mount).find((s) => matchesCgroup(s, path));
    if (state) return fromRunc(state, this.o.dockerRoot);
    const found = containerIdFromCgroupPath(path);
    if (!found) return undefined;
    const docker = readDockerMeta(found.id, this.o.dockerRoot);
    return { container: { ...docker, id: found.id, runtime: docker?.runtime ?? found.runtime } };
  }
}

function matchesCgroup(s: RuncState, path: string): boolean {
  if (s.cgroupV2 !== undefined) return s.cgroupV2 === path;
  return s.cgroupPaths.some((p) => p.endsWith(path));
}

function fromRunc(s: RuncState, dockerRoot?: string): ResolvedContext {
  const meta = s.bundle ? readBundleMeta(s.bundle) : { container: {} };
  const docker = s.runtime === "docker" ? readDockerMeta(s.id, dockerRoot) : undefined;
  const container: ContainerInfo = {
    ...meta.container,
    ...stripUndefined(docker ?? {}),
    id: s.id,
    runtime: docker?.runtime ?? s.runtime,
    startTime: docker?.startTime ?? s.created,
  };
  container.name ??= s.id;
  return { container, k8s: meta.k8s, ...(s.initPid ? { initPid: s.initPid } : {}) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
