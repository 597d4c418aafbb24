/** What the vault uses from the packages before it (the leak scan runs the scanner's own secret analyzer). */
export { BulwarkError, ExitCode } from "@bulwark/model";
export {
  buildContext,
  imageLayerHits,
  imageConfigHits,
  secretAnalyzer,
  scanTree,
  withImageInput,
  cacheDir as defaultCacheDir,
} from "@bulwark/scanner";
