/** The only file of the runtime package that imports the existing scanner tree. */
export { BulwarkError, ExitCode } from "../../../src/errors.js";
export { cacheDir } from "../../../src/cache/dirs.js";
