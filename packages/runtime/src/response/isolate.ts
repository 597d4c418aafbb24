/**
 * Isolate a container's network: in its own network namespace, an nftables table whose
 * input, output and forward chains accept loopback and established/related flows and drop
 * everything else — open connections keep working, no new one is made in either direction.
 * The namespace is pinned by an open file descriptor taken *before* the target is checked
 * a second time, so a process that dies in between cannot hand its pid (and another
 * namespace) to the rule load. Undo: `nsenter --net=/proc/<pid>/ns/net nft delete table
 * inet bulwark_isolate`.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, statSync } from "node:fs";
import { checkTarget } from "./target.js";
import { containerLabel, outcome, type ResponseAction, type ResponseTarget } from "./types.js";

export const ISOLATE_TABLE = "bulwark_isolate";
const NSENTER = process.env.BULWARK_NSENTER ?? "nsenter";
const NFT = process.env.BULWARK_NFT ?? "nft";

/** Replaces any earlier copy of the table in one transaction (isolating twice is harmless). */
export const ISOLATE_RULESET = `add table inet ${ISOLATE_TABLE}
delete table inet ${ISOLATE_TABLE}
table inet ${ISOLATE_TABLE} {
  chain input {
    type filter hook input priority -10; policy drop;
    iif "lo" accept
    ct state established,related accept
  }
  chain forward {
    type filter hook forward priority -10; policy drop;
    ct state established,related accept
  }
  chain output {
    type filter hook output priority -10; policy drop;
    oif "lo" accept
    ct state established,related accept
  }
}
`;

function nftIn(nsFd: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // The pinned namespace is the child's fd 3; nsenter enters it and runs nft there.
    const child = spawn(NSENTER, ["--net=/proc/self/fd/3", NFT, "-f", "-"], {
      stdio: ["pipe", "ignore", "pipe", nsFd],
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", (err) => resolve({ code: -1, stderr: err.message }));
    child.once("close", (code) => resolve({ code, stderr }));
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(ISOLATE_RULESET);
  });
}

const refused = (t: ResponseTarget, why: string) =>
  outcome("isolate", "refused", t, `did not isolate the network of ${containerLabel(t)}: ${why}`);

export const isolate: ResponseAction = {
  name: "isolate",
  hostCapable: false,
  describe: (t) => `isolate the network of ${containerLabel(t)} (established flows only)`,
  async run(t) {
    const first = checkTarget(t, { host: false });
    if (!first.ok) return refused(t, first.reason);
    let fd: number;
    try {
      fd = openSync(`/proc/${t.pid}/ns/net`, "r");
    } catch {
      return refused(t, `the process has exited (pid ${t.pid} is gone)`);
    }
    try {
      const again = checkTarget(t, { host: false });
      if (!again.ok) return refused(t, again.reason);
      // A container on the host's network would cut the host (and the agent) off.
      if (statSync(`/proc/self/fd/${fd}`).ino === statSync("/proc/self/ns/net").ino)
        return refused(t, "it shares the host's network namespace");
      const r = await nftIn(fd);
      if (r.code !== 0)
        return outcome(
          "isolate",
          "failed",
          t,
          `isolate of ${containerLabel(t)} failed: ${r.stderr.trim().split("\n")[0] || `nsenter/nft exited ${r.code}`}`,
        );
      return outcome(
        "isolate",
        "taken",
        t,
        `isolated the network of ${containerLabel(t)} (nft table inet ${ISOLATE_TABLE}: established flows only)`,
      );
    } finally {
      closeSync(fd);
    }
  },
};
