/**
 * The shapes every response action shares: what it acts on (a process, and the container it
 * belongs to), how it ended, and the one function an action implements.
 */
import type { ContainerRuntime } from "../events/index.js";

/** The process an event named, as much of it as is needed to find it again safely. */
export interface ResponseTarget {
  pid: number;
  /** Short command name, for messages. */
  name: string;
  /** The container id the event resolved to; "host" for a host process. */
  containerId: string;
  runtime?: ContainerRuntime;
  /** When the event's process started (RFC 3339), to tell a reused pid apart. */
  startTime?: string;
}

/**
 * taken: the action was carried out; refused: a safety check said no (nothing was done);
 * failed: the action was attempted or needed a tool that failed; dry-run: not enabled.
 */
export type ResponseStatus = "taken" | "refused" | "failed" | "dry-run";

export interface ResponseOutcome {
  action: string;
  status: ResponseStatus;
  target: ResponseTarget;
  /** What was done, or why not — one line. */
  detail: string;
}

export interface ActOptions {
  /** The rule's entry explicitly allows acting on host processes. */
  host: boolean;
}

export interface ResponseAction {
  name: string;
  /** Present tense, for dry runs: "kill pid 5 (tail)". */
  describe(t: ResponseTarget): string;
  run(t: ResponseTarget, o: ActOptions): Promise<ResponseOutcome>;
  /** Whether the action may ever touch a host process (only kill may, and only with host: true). */
  hostCapable: boolean;
  /** process: acts on the event's process; container: on its whole container (done once). */
  scope: "process" | "container";
}

export function outcome(
  action: string,
  status: ResponseStatus,
  target: ResponseTarget,
  detail: string,
): ResponseOutcome {
  return { action, status, target, detail };
}

export const processLabel = (t: ResponseTarget): string => `pid ${t.pid} (${t.name})`;
export const containerLabel = (t: ResponseTarget): string =>
  `container ${t.containerId} (pid ${t.pid} ${t.name})`;
