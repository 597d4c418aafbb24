/**
 * @bulwark/command — what every package's commands share: the global options (--cache-dir,
 * --quiet, --debug), logging to stderr, and the image-access flags of scan, sbom, policy,
 * registry and admission. The commands themselves live with their package (`cli/` folders)
 * and are assembled into one program by the `bulwark` package (packages/cli).
 */
export { globalOptions, log, type GlobalOptions } from "./context.js";
export { addImageAccessFlags, imageAccessFlags, type ImageAccessFlags } from "./image-flags.js";
export { addNatsFlags, addUploadFlags, type UploadFlags } from "./upload-flags.js";
