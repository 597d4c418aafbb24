/** The library API: everything the CLI does is available in-process from here. */
export * from "./errors.js";
export type * from "./image/types.js";
export type * from "./inventory/types.js";
export type * from "./analyzer/types.js";
export type * from "./findings/types.js";
export type * from "./scan/types.js";
export { VERSION } from "./version.js";
export * from "./sbom/index.js";
