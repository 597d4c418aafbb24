/** What the policy package (policy, signatures, catalog, admission) uses from the packages before it. */
export { BulwarkError, ExitCode, errorMessage, SEVERITIES } from "@bulwark/model";
export type {
  Finding,
  Severity,
  VulnerabilityFinding,
  ImageConfig,
  Image,
  ScanOptions,
  Inventory,
} from "@bulwark/model";
export {
  parseReference,
  formatReference,
  type ImageReference,
  RegistryClient,
  findCredentials,
  openRegistryImage,
  parsePlatform,
  readBody,
} from "@bulwark/image";
export {
  withImageInput,
  scanners,
  checkVulnDb,
  cacheDir,
  KubernetesFamily,
  parseYamlFull,
  matchInventory,
} from "@bulwark/scanner";
export { openVulnDb, type VulnDb } from "@bulwark/vulndb";
export { apiHost, isLoopbackHost } from "@bulwark/image";
export {
  globalOptions,
  log,
  addImageAccessFlags,
  imageAccessFlags,
  type ImageAccessFlags,
} from "@bulwark/command";
