import type { Matcher } from "./compiler.js";
import type { Priority } from "./definitions.js";
import type { Renderer } from "./output.js";
import type { Location } from "./reader.js";
import type { RuntimeEvent } from "../events/types.js";

/** A rule ready to evaluate: its condition and output are closures built at load time. */
export interface CompiledRule<E = RuntimeEvent> {
  name: string;
  desc: string;
  priority: Priority;
  tags: string[];
  source: string;
  enabled: boolean;
  /** False when the rule uses a field or source Bulwark cannot supply; it never fires. */
  evaluable: boolean;
  /** The fields (or `source:<name>`) that made it not evaluable. */
  unsupported: string[];
  match: Matcher<E>;
  /** evt.type values the rule can match; null = every event type. */
  eventTypes: Set<string> | null;
  render: Renderer<E>;
  at: Location;
}
