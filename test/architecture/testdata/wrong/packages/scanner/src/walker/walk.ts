// stage-order: the walker imports the orchestrator, a later stage.
import { run } from "../scan/run.js";

export const walk = run;
