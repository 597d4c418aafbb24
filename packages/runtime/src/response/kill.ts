/**
 * Kill the process an event named (SIGKILL), after the shared target checks. The only action
 * that may reach a host process, and only when the rule's entry says host: true.
 */
import { checkTarget } from "./target.js";
import { outcome, processLabel, type ResponseAction } from "./types.js";

export const kill: ResponseAction = {
  name: "kill",
  scope: "process",
  hostCapable: true,
  describe: (t) => `kill ${processLabel(t)}`,
  async run(t, o) {
    const check = checkTarget(t, o);
    if (!check.ok) return outcome("kill", "refused", t, `did not kill ${processLabel(t)}: ${check.reason}`);
    try {
      process.kill(t.pid, "SIGKILL");
      return outcome("kill", "taken", t, `killed ${processLabel(t)}`);
    } catch (err) {
      return outcome("kill", "failed", t, `kill of ${processLabel(t)} failed: ${(err as Error).message}`);
    }
  },
};
