/**
 * Real runc containers for sensor tests: an image built by the shared test-image builder
 * (mmdebstrap + umoci, cached), an overlayfs per container over its read-only rootfs,
 * the image's own OCI config with the entrypoint replaced, a `nerdctl/name` annotation
 * (as nerdctl sets it) and umoci.json copied in so the image ref and digest resolve.
 * Network namespaces are created by the test (`ip netns`), with loopback up and optional
 * extra addresses on lo, so no traffic can leave the machine.
 */
import { execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function sh(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/**
 * Polls CHECK until it holds or TIMEOUT_MS passes, and says which (the caller asserts).
 * Live tests wait on what they expect to see, not on a fixed sleep: on a loaded CI machine
 * the sensor, the containers and bpftrace can each be seconds late.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; ;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * `runc run -d` with no pipes: a detached container inherits runc's stdio, so a pipe
 * would stay open for the container's life and execFile would wait on it.
 */
function runDetached(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("runc", args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`runc ${args.join(" ")} exited ${code}`)),
    );
  });
}

export interface Netns {
  name: string;
  path: string;
  remove(): Promise<void>;
}

export async function createNetns(name: string, loAddresses: string[] = []): Promise<Netns> {
  await sh("ip", ["netns", "add", name]);
  await sh("ip", ["-n", name, "link", "set", "lo", "up"]);
  for (const a of loAddresses) await sh("ip", ["-n", name, "addr", "add", a, "dev", "lo"]);
  return {
    name,
    path: `/var/run/netns/${name}`,
    remove: async () => {
      await sh("ip", ["netns", "del", name]).catch(() => undefined);
    },
  };
}

export interface Container {
  id: string;
  name: string;
  bundle: string;
  exec(args: string[]): Promise<{ code: number; stdout: string }>;
  remove(): Promise<void>;
}

export interface ContainerSpec {
  id: string;
  name: string;
  /** The unpacked image rootfs (BuiltImage.rootfs()); its parent holds config.json and umoci.json. */
  imageRootfs: string;
  args: string[];
  netnsPath?: string;
  /** Extra OCI annotations, e.g. the CRI pod annotations a kubelet's runtime would set. */
  annotations?: Record<string, string>;
}

export async function startContainer(spec: ContainerSpec): Promise<Container> {
  const imageBundle = dirname(spec.imageRootfs);
  const bundle = mkdtempSync(join(tmpdir(), `bulwark-runc-${spec.id}-`));
  for (const d of ["upper", "work", "rootfs"]) mkdirSync(join(bundle, d));
  await sh("mount", [
    "-t",
    "overlay",
    "overlay",
    "-o",
    `lowerdir=${spec.imageRootfs},upperdir=${join(bundle, "upper")},workdir=${join(bundle, "work")}`,
    join(bundle, "rootfs"),
  ]);
  const config = JSON.parse(readFileSync(join(imageBundle, "config.json"), "utf8")) as {
    process: { terminal: boolean; args: string[] };
    root: { path: string; readonly?: boolean };
    annotations?: Record<string, string>;
    linux: { namespaces: Array<{ type: string; path?: string }> };
  };
  config.process.terminal = false;
  config.process.args = spec.args;
  config.root = { path: "rootfs", readonly: false };
  config.annotations = { ...config.annotations, ...spec.annotations, "nerdctl/name": spec.name };
  if (spec.netnsPath)
    config.linux.namespaces = config.linux.namespaces.map((n) =>
      n.type === "network" ? { type: "network", path: spec.netnsPath } : n,
    );
  writeFileSync(join(bundle, "config.json"), JSON.stringify(config, null, 2));
  copyFileSync(join(imageBundle, "umoci.json"), join(bundle, "umoci.json"));
  await runDetached(["run", "-d", "--bundle", bundle, spec.id]);
  return {
    id: spec.id,
    name: spec.name,
    bundle,
    exec: async (args) => {
      try {
        const { stdout } = await run("runc", ["exec", spec.id, ...args], { timeout: 60_000 });
        return { code: 0, stdout };
      } catch (e) {
        return {
          code: Number((e as { code?: number }).code ?? 1),
          stdout: String((e as { stdout?: string }).stdout ?? ""),
        };
      }
    },
    remove: async () => {
      await sh("runc", ["delete", "-f", spec.id]).catch(() => undefined);
      await sh("umount", [join(bundle, "rootfs")]).catch(() => undefined);
      rmSync(bundle, { recursive: true, force: true });
    },
  };
}

/**
 * What a live-sensor container test lacks here (root, bpftrace, runc, ip), announced once;
 * empty means it can run. The caller skips with `describe.skipIf(missing.length > 0)`.
 */
export function missingForLiveTests(test: string): string[] {
  const missing = [
    process.getuid?.() !== 0 ? "root" : "",
    ...["/usr/bin/bpftrace", "/usr/sbin/runc", "/usr/sbin/ip"].filter((p) => !existsSync(p)),
  ].filter(Boolean);
  if (missing.length) console.warn(`${test} skipped: needs ${missing.join(", ")}`);
  return missing;
}
