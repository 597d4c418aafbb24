/** The only file of the vault package that imports the existing scanner tree. */
export { BulwarkError, ExitCode } from "../../../src/errors.js";
