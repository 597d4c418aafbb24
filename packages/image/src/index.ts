/** @bulwark/image — image sources: registries, OCI layouts, docker/OCI archives, root filesystems. */
export { openImage } from "./open.js";
export { parseReference, formatReference, type ImageReference } from "./reference.js";
export { RegistryClient } from "./registry/client.js";
export { findCredentials } from "./registry/credentials.js";
export { openRegistryImage } from "./registry/image.js";
export { readBody } from "./registry/http.js";
export { parsePlatform } from "./platform.js";
export { apiHost, isLoopbackHost } from "./reference.js";
export { readTar, type TarEntry } from "./tar/stream.js";
