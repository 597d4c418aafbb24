export { mapFalcoRecord } from "./falco.js";
export { mapTetragonRecord } from "./tetragon.js";
export {
  readEvents,
  openInput,
  INPUT_FORMATS,
  MAX_LINE_BYTES,
  type InputFormat,
  type StreamStats,
} from "./stream.js";
export type { Mapped } from "./common.js";
