/**
 * The response actions, in one explicit list: a responses file names them by these keys.
 * Adding an action = a file in this folder and a line here.
 */
import { isolate } from "./isolate.js";
import { kill } from "./kill.js";
import { pause } from "./pause.js";
import { stop } from "./stop.js";
import type { ResponseAction } from "./types.js";

export const ACTIONS = { kill, pause, stop, isolate } as const satisfies Record<string, ResponseAction>;

export type ActionName = keyof typeof ACTIONS;

export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];
