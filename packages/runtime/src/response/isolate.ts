/**
 * Isolate a container's network: in its own network namespace, an nftables table whose
 * input, output and forward chains accept loopback, the TCP connections open at that moment
 * and conntrack-established flows, and drop everything else — open connections keep
 * working, no new one is made in either direction. (UDP "flows" older than the isolation
 * are not kept: nothing tells their peers apart from new ones.)
 * The namespace is pinned by an open file descriptor taken *before* the target is checked
 * a second time, so a process that dies in between cannot hand its pid (and another
 * namespace) to the rule load. Undo: `nsenter --net=/proc/<pid>/ns/net nft delete table
 * inet bulwark_isolate`.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, statSync } from "node:fs";
import { establishedFlows, type TcpFlow } from "./established.js";
import { checkTarget } from "./target.js";
import { containerLabel, outcome, type ResponseAction, type ResponseTarget } from "./types.js";

export const ISOLATE_TABLE = "bulwark_isolate";
const NSENTER = process.env.BULWARK_NSENTER ?? "nsenter";
const NFT = process.env.BULWARK_NFT ?? "nft";

const elements = (flows: TcpFlow[]): string =>
  flows.length
    ? `elements = { ${flows.map((f) => `${f.local} . ${f.localPort} . ${f.remote} . ${f.remotePort}`).join(", ")} }`
    : "";

/**
 * Replaces any earlier copy of the table in one transaction (isolating twice is harmless).
 * The sets hold the TCP connections open at isolation time (local . port . remote . port);
 * later ones can only be conntrack-established, and no new one gets through.
 */
export function isolateRuleset(flows: TcpFlow[]): string {
  const v4 = flows.filter((f) => f.family === "ip");
  const v6 = flows.filter((f) => f.family === "ip6");
  return `add table inet ${ISOLATE_TABLE}
delete table inet ${ISOLATE_TABLE}
table inet ${ISOLATE_TABLE} {
  set open4 { type ipv4_addr . inet_service . ipv4_addr . inet_service; ${elements(v4)} }
  set open6 { type ipv6_addr . inet_service . ipv6_addr . inet_service; ${elements(v6)} }
  chain input {
    type filter hook input priority -10; policy drop;
    iif "lo" accept
    ct state established,related accept
    ip daddr . tcp dport . ip saddr . tcp sport @open4 accept
    ip6 daddr . tcp dport . ip6 saddr . tcp sport @open6 accept
  }
  chain forward {
    type filter hook forward priority -10; policy drop;
    ct state established,related accept
  }
  chain output {
    type filter hook output priority -10; policy drop;
    oif "lo" accept
    ct state established,related accept
    ip saddr . tcp sport . ip daddr . tcp dport @open4 accept
    ip6 saddr . tcp sport . ip6 daddr . tcp dport @open6 accept
  }
}
`;
}

function nftIn(nsFd: number, ruleset: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // The pinned namespace is the child's fd 3; nsenter enters it and runs nft there.
    const child = spawn(NSENTER, ["--net=/proc/self/fd/3", NFT, "-f", "-"], {
      stdio: ["pipe", "ignore", "pipe", nsFd],
    });
    let stderr = "";
    // A hung nft must not hold the agent's shutdown (which waits for running actions).
    const timer = setTimeout(() => {
      stderr = "nft did not finish within 30 s";
      child.kill("SIGKILL");
    }, 30_000);
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", (err) => resolve({ code: -1, stderr: err.message }));
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(ruleset);
  });
}

const refused = (t: ResponseTarget, why: string) =>
  outcome("isolate", "refused", t, `did not isolate the network of ${containerLabel(t)}: ${why}`);

export const isolate: ResponseAction = {
  name: "isolate",
  scope: "container",
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
      const flows = establishedFlows(t.pid);
      // Checked again after the namespace is pinned and its connections read: still the same process.
      const again = checkTarget(t, { host: false });
      if (!again.ok) return refused(t, again.reason);
      // A container on the host's network would cut the host (and the agent) off.
      if (statSync(`/proc/self/fd/${fd}`).ino === statSync("/proc/self/ns/net").ino)
        return refused(t, "it shares the host's network namespace");
      const r = await nftIn(fd, isolateRuleset(flows));
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
        `isolated the network of ${containerLabel(t)} (nft table inet ${ISOLATE_TABLE}: established flows only; TCP connections open then: ${flows.length})`,
      );
    } finally {
      closeSync(fd);
    }
  },
};
