/**
 * Every response — taken, refused, failed or only a dry run — becomes a "Response action"
 * alert through the same sink and outputs as rule matches, so the one alert stream is also
 * the audit trail of what the agent did, to which process, for which rule and on whose word.
 */
import type { RuleMatch } from "../rules/index.js";
import type { ResponseOutcome } from "./types.js";
import type { ResponseEntry } from "./policy.js";
import type { RuntimeEvent } from "../events/index.js";

export const RESPONSE_RULE = "Response action";

/** What set the response off: a rule (or baseline-deviation), in words, with its event. */
export interface ResponseTrigger {
  rule: string;
  /** e.g. "rule Terminal shell in container", "new executable /usr/bin/id in workload sha256:…". */
  cause: string;
  event: RuntimeEvent;
}

export function responseMatch(
  o: ResponseOutcome,
  trigger: ResponseTrigger,
  entry: Pick<ResponseEntry, "enabled" | "at">,
  howToEnable: string,
): RuleMatch {
  const who =
    o.status === "dry-run"
      ? `; ${howToEnable}`
      : ` (enabled by ${entry.enabled?.by ?? "?"} at ${entry.enabled?.at ?? "?"}; ${entry.at})`;
  return {
    rule: RESPONSE_RULE,
    priority: o.status === "taken" ? "CRITICAL" : o.status === "dry-run" ? "NOTICE" : "WARNING",
    tags: ["response", o.action, o.status],
    output: `${o.detail}, for ${trigger.cause}${who}`,
    event: trigger.event,
  };
}
