// The only file of this package that imports the existing scanner tree.
export { BulwarkError, errorMessage } from "../../../src/errors.js";
// Tests check that Bulwark's own VEX reader (what `scan --vex` uses) consumes the documents we emit.
export { loadVexFiles, applyVex } from "../../../src/findings/vex.js";
