/**
 * Container context. Cgroup path patterns are the ones Docker, containerd/CRI, CRI-O and
 * Podman create (strings, since none of those runtimes runs here). The resolver test
 * starts a real runc container (image built with mmdebstrap/umoci) and resolves one of its
 * processes by cgroup id and by pid; CRI annotations are hand-written in that container's
 * config.json (no kubelet here) in the keys containerd's CRI plugin sets.
 */
import { readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import { sh, startContainer, type Container } from "../sensor/testing/containers.js";
import { containerIdFromCgroupPath } from "./ids.js";
import { ContextResolver } from "./resolver.js";
import { findCgroup2Mount } from "./cgroup.js";

const ID = "a".repeat(64);

describe("container ids in cgroup paths", () => {
  it.each([
    [`/system.slice/docker-${ID}.scope`, "docker"],
    [`/docker/${ID}`, "docker"],
    [
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-${ID}.scope`,
      "containerd",
    ],
    [`/kubepods/besteffort/pod123/${ID}`, "containerd"],
    [`/machine.slice/libpod-${ID}.scope`, "podman"],
    [`/kubepods.slice/crio-${ID}.scope`, "crio"],
  ])("%s → %s", (path, runtime) => {
    expect(containerIdFromCgroupPath(path)).toEqual({ id: ID, runtime });
  });

  it("host cgroups have no container id", () => {
    for (const p of [
      "/",
      "/user.slice/user-0.slice/session-1.scope",
      "/system.slice/sshd.service",
      "/docker/abc",
    ])
      expect(containerIdFromCgroupPath(p)).toBeUndefined();
  });
});

const canRunc = process.getuid?.() === 0 && existsSync("/usr/sbin/runc") && findCgroup2Mount() !== undefined;

describe.skipIf(!canRunc)("resolver on a real runc container", () => {
  let c: Container;
  let pid: number;
  const tag = `ctx-${process.pid % 100000}`;

  beforeAll(async () => {
    const rootfs = await (await buildImage(recipes.minbase)).rootfs();
    c = await startContainer({ id: tag, name: "ctx-test", imageRootfs: rootfs, args: ["sleep", "300"] });
    const state = JSON.parse(await sh("runc", ["state", tag])) as { pid: number };
    pid = state.pid;
    // CRI annotations as containerd's CRI plugin writes them (hand-written: no kubelet here).
    const cfgPath = join(c.bundle, "config.json");
    const cfg = JSON.parse(readFileSync(cfgPath, "utf8")) as { annotations: Record<string, string> };
    Object.assign(cfg.annotations, {
      "io.kubernetes.cri.sandbox-name": "web-0",
      "io.kubernetes.cri.sandbox-namespace": "prod",
      "io.kubernetes.cri.container-name": "app",
    });
    writeFileSync(cfgPath, JSON.stringify(cfg));
  }, 600_000);

  afterAll(async () => c?.remove());

  it("attributes by cgroup id (as the sensor reports it) and by pid, with image ref and digest", () => {
    const mount = findCgroup2Mount() as string;
    const cgroupLine = readFileSync(`/proc/${pid}/cgroup`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("0::")) as string;
    const cgroupId = BigInt(statSync(join(mount, cgroupLine.slice(3)), { bigint: true }).ino);
    const r = new ContextResolver();
    const byId = r.resolve(999_999_999, cgroupId);
    expect(byId.container).toMatchObject({ id: tag, runtime: "runc", image: "minbase", name: "app" });
    expect(byId.container.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(byId.container.capabilities).toContain("CAP_KILL");
    expect(byId.container.privileged).toBe(false);
    expect(byId.k8s).toEqual({ podName: "web-0", namespace: "prod", containerName: "app" });
    expect(new ContextResolver().resolve(pid, 0n).container.id).toBe(tag);
    expect(r.resolve(process.pid, 0n).container.id).toBe("host");
  });

  it("keeps attributing from the cache after the container is gone", async () => {
    const mount = findCgroup2Mount() as string;
    const cgroupId = BigInt(statSync(join(mount, tag), { bigint: true }).ino);
    const r = new ContextResolver();
    expect(r.resolve(pid, cgroupId).container.id).toBe(tag);
    await sh("runc", ["delete", "-f", tag]);
    expect(r.resolve(pid, cgroupId).container.id).toBe(tag);
    expect(r.hits).toBe(1);
  });
});
