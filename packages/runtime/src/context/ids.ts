/**
 * Container ids in cgroup paths, as the common runtimes name them: Docker
 * (`/docker/<id>`, `docker-<id>.scope`), containerd/CRI (`cri-containerd-<id>.scope`,
 * `/kubepods/…/<id>`), CRI-O (`crio-<id>.scope`), Podman (`libpod-<id>.scope`). Plain runc
 * uses whatever path its caller chose; those are found through runc's state (runc.ts).
 */
import type { ContainerRuntime } from "../events/index.js";

const PATTERNS: Array<[RegExp, ContainerRuntime]> = [
  [/(?:^|\/)docker-([0-9a-f]{64})\.scope$/, "docker"],
  [/\/docker\/([0-9a-f]{64})$/, "docker"],
  [/cri-containerd-([0-9a-f]{64})\.scope$/, "containerd"],
  [/crio-([0-9a-f]{64})\.scope$/, "crio"],
  [/libpod-([0-9a-f]{64})\.scope$/, "podman"],
  [/\/kubepods[^\s]*\/([0-9a-f]{64})$/, "containerd"],
  [/\/([0-9a-f]{64})$/, "unknown"],
];

export function containerIdFromCgroupPath(
  path: string,
): { id: string; runtime: ContainerRuntime } | undefined {
  for (const [re, runtime] of PATTERNS) {
    const m = re.exec(path);
    if (m?.[1]) return { id: m[1], runtime };
  }
  return undefined;
}
