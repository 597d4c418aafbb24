import type { DfRule } from "./define.js";
import { instructionHygieneRules } from "./instructions.js";
import { packageHygieneRules } from "./packages.js";

/** Dockerfile hygiene at hadolint/Trivy DS breadth; appended to the Dockerfile family. */
export const dockerfileHygieneRules: DfRule[] = [...instructionHygieneRules, ...packageHygieneRules];
