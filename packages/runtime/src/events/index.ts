export * from "./types.js";
export { checkRuntimeEvent, type EventCheck } from "./validate.js";
