export { ACTIONS, ACTION_NAMES, type ActionName } from "./actions.js";
export { RESPONSE_RULE, responseMatch, type ResponseTrigger } from "./alert.js";
export {
  BASELINE_DEVIATION,
  loadResponsesFile,
  parseResponses,
  RESPONSES_API,
  RESPONSES_KIND,
  type ResponseEntry,
} from "./policy.js";
export { Responder, type ResponseRecorder } from "./responder.js";
export { checkTarget, processStartMs, sameProcess, targetOf } from "./target.js";
export { thaw } from "./pause.js";
export { ISOLATE_TABLE } from "./isolate.js";
export type { ResponseOutcome, ResponseStatus, ResponseTarget } from "./types.js";
