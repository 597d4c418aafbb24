/**
 * Deviations and response actions become alerts through the same sink and outputs as rule
 * matches, so one stream (and one audit trail) carries everything the agent saw and did.
 */
import type { RuleMatch } from "../rules/index.js";
import type { ResponseOutcome } from "../response/kill.js";
import type { Deviation } from "./guard.js";
import type { FacetName } from "./profile.js";

const LABEL: Record<FacetName, string> = {
  executables: "executable",
  writes: "directory written",
  outbound: "outbound destination",
  listening: "listening port",
  users: "user",
};

export function deviationMatch(d: Deviation): RuleMatch {
  const p = d.event.process;
  return {
    rule: `Baseline deviation: new ${LABEL[d.facet]}`,
    priority: d.mode === "protect" ? "CRITICAL" : "WARNING",
    tags: ["baseline", d.facet, d.mode],
    output: `new ${LABEL[d.facet]} ${d.value} in workload ${d.workload} (${d.mode}; proc=${p.name} pid=${p.pid} uid=${p.uid})`,
    event: d.event,
  };
}

/** The record of a response: taken, refused (and why), or what a dry run would have done. */
export function responseMatch(d: Deviation, outcome: ResponseOutcome | "dry-run"): RuleMatch {
  const p = d.event.process;
  const what =
    outcome === "dry-run"
      ? `dry run: would kill pid ${p.pid} (${p.name}); start the agent with --respond to act`
      : outcome.done
        ? `killed pid ${outcome.pid} (${p.name})`
        : `did not kill pid ${outcome.pid} (${p.name}): ${outcome.reason}`;
  return {
    rule: "Response action",
    priority: outcome !== "dry-run" && outcome.done ? "CRITICAL" : "NOTICE",
    tags: ["response", outcome === "dry-run" ? "dry-run" : outcome.done ? "taken" : "refused"],
    output: `${what}, for new ${LABEL[d.facet]} ${d.value} in workload ${d.workload}`,
    event: d.event,
  };
}
