import type { LegacyExample } from "../types.js";
import { legacyExamples1 } from "./examples-1.js";
import { legacyExamples2 } from "./examples-2.js";
import { legacyExamples3 } from "./examples-3.js";
import { legacyExamples4 } from "./examples-4.js";
import { legacyExamples5 } from "./examples-5.js";

/**
 * Provider, true examples and false examples of the rules written before rules carried
 * their own (index.ts merges them into the rules). Newer rules hold these fields inline.
 * `{CLASS:N}` parts are random characters filled by the self-test from a seeded PRNG.
 */
export const legacyExamples: Record<string, LegacyExample> = {
  ...legacyExamples1,
  ...legacyExamples2,
  ...legacyExamples3,
  ...legacyExamples4,
  ...legacyExamples5,
};
