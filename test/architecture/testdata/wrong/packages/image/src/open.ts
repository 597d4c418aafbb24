// package-order and no-internals: an earlier package reaches into a file inside a later one.
import { run } from "../../scanner/src/scan/run.js";

export const open = run;
