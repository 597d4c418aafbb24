/** What the runtime package uses from the packages before it. */
export { BulwarkError, cacheDir, ExitCode } from "@bulwark/model";
