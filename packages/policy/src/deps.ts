/** The only file of the policy package that imports the existing scanner tree. */
export { BulwarkError, ExitCode, errorMessage } from "../../../src/errors.js";
export type { Finding, Severity, VulnerabilityFinding } from "../../../src/findings/types.js";
export { SEVERITIES } from "../../../src/findings/types.js";
export type { ImageConfig, Image } from "../../../src/image/types.js";
export { parseReference, formatReference, type ImageReference } from "../../../src/image/reference.js";
export { RegistryClient } from "../../../src/image/registry/client.js";
export { findCredentials } from "../../../src/image/registry/credentials.js";
export { withImageInput } from "../../../src/scan/pipeline.js";
export { scanners } from "../../../src/scan/registry.js";
export { checkVulnDb } from "../../../src/match/scanner.js";
export { cacheDir } from "../../../src/cache/dirs.js";
export { globalOptions, log } from "../../../src/cli/context.js";
export {
  addImageAccessFlags,
  imageAccessFlags,
  type ImageAccessFlags,
} from "../../../src/cli/image-flags.js";
export type { ScanOptions } from "../../../src/scan/options.js";
export { openRegistryImage } from "../../../src/image/registry/image.js";
export { parsePlatform } from "../../../src/image/platform.js";
export { KubernetesFamily } from "../../../src/misconfig/kubernetes/family.js";
export { parseYamlFull } from "../../../src/misconfig/yaml-source.js";
export { readBody } from "../../../src/image/registry/http.js";
export type { Inventory } from "../../../src/inventory/types.js";
export { matchInventory } from "../../../src/match/matcher.js";
export { openVulnDb, type VulnDb } from "../../../src/vulndb/store.js";
export { apiHost, isLoopbackHost } from "../../../src/image/reference.js";
