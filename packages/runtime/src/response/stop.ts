/**
 * Stop a container through its runtime. runc keeps each container's state under a root
 * (context/runc.ts knows them): `runc --root R kill ID KILL` ends the container's init and
 * with it the whole pid namespace. A plain runc container is also deleted (nobody else would
 * reap its state); under containerd or Docker their shim sees the exit and cleans up, so
 * deleting behind their back is left to them.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { runcRootOf } from "../context/index.js";
import { checkTarget } from "./target.js";
import { containerLabel, outcome, type ResponseAction } from "./types.js";

const run = promisify(execFile);
const RUNC = process.env.BULWARK_RUNC ?? "runc";
/** runc's own rule for container ids; anything else never reaches a path or an argument. */
const RUNC_ID = /^[\w+.-]+$/;

async function runc(root: string, args: string[]): Promise<string> {
  const { stdout } = await run(RUNC, ["--root", root, ...args], { timeout: 30_000 });
  return stdout;
}

async function stopped(root: string, id: string): Promise<boolean> {
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    try {
      const state = JSON.parse(await runc(root, ["state", id])) as { status?: string };
      if (state.status === "stopped") return true;
    } catch {
      return true; // the state is gone: someone (its shim) already removed it
    }
  }
  return false;
}

const firstLine = (err: unknown): string =>
  String((err as { stderr?: string }).stderr || (err as Error).message)
    .trim()
    .split("\n")[0] ?? "";

export const stop: ResponseAction = {
  name: "stop",
  scope: "container",
  hostCapable: false,
  describe: (t) => `stop ${containerLabel(t)} through its runtime`,
  async run(t) {
    const what = containerLabel(t);
    if (!RUNC_ID.test(t.containerId))
      return outcome("stop", "refused", t, `did not stop ${what}: not a runc container id`);
    const check = checkTarget(t, { host: false });
    if (!check.ok) return outcome("stop", "refused", t, `did not stop ${what}: ${check.reason}`);
    const found = runcRootOf(t.containerId);
    if (!found)
      return outcome(
        "stop",
        "failed",
        t,
        `did not stop ${what}: no runc state for it here (not a runc container?)`,
      );
    if (found.runtime === "podman")
      return outcome(
        "stop",
        "failed",
        t,
        `did not stop ${what}: crun containers are not stopped through runc`,
      );
    try {
      await runc(found.root, ["kill", t.containerId, "KILL"]);
      if (found.runtime !== "runc")
        return outcome(
          "stop",
          "taken",
          t,
          `stopped ${what} (runc --root ${found.root} kill; ${found.runtime} cleans up)`,
        );
      if (!(await stopped(found.root, t.containerId)))
        return outcome("stop", "failed", t, `stop of ${what}: killed, but runc still reports it running`);
      await runc(found.root, ["delete", "--force", t.containerId]).catch(() => undefined);
      return outcome("stop", "taken", t, `stopped ${what} (runc --root ${found.root} kill KILL, delete)`);
    } catch (err) {
      return outcome("stop", "failed", t, `stop of ${what} failed: runc: ${firstLine(err)}`);
    }
  },
};
