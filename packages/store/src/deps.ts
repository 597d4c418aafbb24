/** What the store uses from the packages before it. */
export { BulwarkError, ExitCode, errorMessage } from "@bulwark/model";
