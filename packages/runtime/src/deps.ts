/** What the runtime package uses from the packages before it. */
export { BulwarkError, ExitCode } from "@bulwark/model";
export { cacheDir } from "@bulwark/scanner";
