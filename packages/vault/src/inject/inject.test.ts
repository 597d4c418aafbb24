/**
 * Injection into a real runc container: the file appears in the container with the right
 * owner and mode, the container's process reads it, rotation updates it in place, and the
 * value never appears in config.json, the container's environment or any output.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import { recipes } from "../../../testkit/src/fixtures/recipes.js";
import { bootstrap } from "../testing/bootstrap.js";
import { rawRequest } from "../testing/raw.js";
import { startInProcess, type InProcessVault } from "../testing/server.js";
import { Injector } from "./injector.js";

const run = promisify(execFile);
const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
const canRun = existsSync("/usr/sbin/runc") && process.getuid?.() === 0;

describe.skipIf(!canRun)("vault inject into a runc container", () => {
  let v: InProcessVault;
  let root: string;
  let work: string;
  let merged: string;
  let injector: Injector;
  const first = `inj-first-${Date.now()}-A7`;
  const second = `inj-second-${Date.now()}-B8`;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    const image = await buildImage(recipes.deletes);
    const rootfs = await image.rootfs();
    work = mkdtempSync(join(tmpdir(), "bulwark-inject-"));
    for (const d of ["upper", "work", "merged", "bundle"]) mkdirSync(join(work, d));
    merged = join(work, "merged");
    // the shared cached rootfs stays read only: the container writes into an overlay
    await run("mount", [
      "-t",
      "overlay",
      "overlay",
      "-o",
      `lowerdir=${rootfs},upperdir=${work}/upper,workdir=${work}/work`,
      merged,
    ]);
    cleanups.push(() => run("umount", [merged]));
    v = await startInProcess();
    cleanups.push(() => v.stop());
    ({ root } = await bootstrap(v.url));
    await rawRequest(v.url, "POST", "/v1/secret/data/app/db", {
      token: root,
      body: JSON.stringify({ data: { password: first } }),
    });
    injector = new Injector({
      secret: "secret/app/db",
      dest: join(work, "secrets"),
      uid: 1000,
      gid: 1000,
      address: v.url,
      token: root,
    });
    await injector.mountTmpfs();
    cleanups.push(() => injector.unmount());
    await injector.refresh();
  }, 1_200_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it("the container reads the file (owner 1000:1000, mode 0400) and sees the rotated value", async () => {
    const bundle = join(work, "bundle");
    await run("runc", ["spec", "--bundle", bundle]);
    const config = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as {
      root: { path: string; readonly: boolean };
      process: { terminal: boolean; user: { uid: number; gid: number }; args: string[]; env: string[] };
      mounts: unknown[];
      hostname: string;
    };
    config.root = { path: merged, readonly: true };
    config.process.terminal = false;
    config.process.user = { uid: 1000, gid: 1000 };
    config.process.args = [
      "/bin/sh",
      "-c",
      "stat -c 'owner=%u:%g mode=%a' /run/secrets/password; while :; do echo \"hash=$(sha256sum < /run/secrets/password | cut -d' ' -f1)\"; sleep 0.2; done",
    ];
    config.mounts.push({
      destination: "/run/secrets",
      type: "bind",
      source: join(work, "secrets"),
      options: ["rbind", "ro", "nosuid", "nodev", "noexec"],
    });
    writeFileSync(join(bundle, "config.json"), JSON.stringify(config, null, 2));

    const id = `bulwark-inject-${process.pid}`;
    const child = spawn("runc", ["run", "--bundle", bundle, id], { stdio: ["ignore", "pipe", "pipe"] });
    cleanups.push(() => run("runc", ["delete", "--force", id]));
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    // a generous bound so a broken container fails with its output instead of hanging
    const waitFor = (needle: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const until = Date.now() + 60_000;
        const check = (): void => {
          if (out.includes(needle)) return resolve();
          if (child.exitCode !== null || Date.now() > until)
            return reject(new Error(`no "${needle}"; container output: ${out.slice(-2000)}`));
          setTimeout(check, 50);
        };
        check();
      });

    await waitFor(`hash=${sha(first)}`);
    expect(out).toContain("owner=1000:1000 mode=400");

    const state = JSON.parse((await run("runc", ["state", id])).stdout) as { pid: number };
    const environ = readFileSync(`/proc/${state.pid}/environ`, "utf8");

    const stop = injector.watch(100, () => undefined);
    await rawRequest(v.url, "POST", "/v1/secret/data/app/db", {
      token: root,
      body: JSON.stringify({ data: { password: second } }),
    });
    await waitFor(`hash=${sha(second)}`);
    stop();
    expect(injector.renderedVersion).toBe(2);

    const exited = child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", r));
    await run("runc", ["kill", id, "KILL"]);
    await exited;

    const configText = readFileSync(join(bundle, "config.json"), "utf8");
    for (const value of [first, second]) {
      expect(configText).not.toContain(value);
      expect(environ).not.toContain(value);
      expect(out).not.toContain(value);
    }
    // on the host the file lives only on the tmpfs
    const mounts = readFileSync("/proc/self/mounts", "utf8");
    expect(mounts).toMatch(new RegExp(`bulwark-secrets ${join(work, "secrets")} tmpfs`));
  }, 150_000);
});
