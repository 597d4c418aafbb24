// no-circular: a → b → a.
import { two } from "../b/two.js";

export const one = (): number => two() + 1;
