export { generateInventory, generateSbom, type SbomOptions } from "./generate.js";
export {
  SBOM_FORMATS,
  parseSbomFormat,
  renderSbom,
  type RenderOptions,
  type SbomFormat,
} from "../report/sbom/index.js";
