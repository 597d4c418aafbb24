/** @bulwark/image — image sources: registries, OCI layouts, docker/OCI archives, root filesystems. */
export { openImage } from "./open.js";
export { parseReference, formatReference, type ImageReference } from "./reference.js";
