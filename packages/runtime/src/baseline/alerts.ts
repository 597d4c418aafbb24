/**
 * Deviations become alerts through the same sink and outputs as rule
 * matches, so one stream (and one audit trail) carries everything the agent saw and did.
 */
import type { RuleMatch } from "../rules/index.js";
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

/** A deviation in words, as the cause of a response ("new executable /usr/bin/id in workload …"). */
export function deviationCause(d: Deviation): string {
  return `new ${LABEL[d.facet]} ${d.value} in workload ${d.workload}`;
}
