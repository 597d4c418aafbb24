/** The only file of the vault package that imports the existing scanner tree. */
export { BulwarkError, ExitCode } from "../../../src/errors.js";
export { buildContext } from "../../../src/secret/config.js";
export { imageLayerHits, imageConfigHits, secretAnalyzer } from "../../../src/secret/image.js";
export { scanTree } from "../../../src/secret/tree.js";
export { withImageInput } from "../../../src/scan/pipeline.js";
export { cacheDir as defaultCacheDir } from "../../../src/cache/dirs.js";
