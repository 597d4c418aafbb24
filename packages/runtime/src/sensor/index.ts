export { BpftraceSensor, SENSOR_STRLEN, type BpftraceSensorOptions } from "./bpftrace.js";
export { ProcPoller, type ProcPollerOptions } from "./procfs.js";
export {
  buildSensorProgram,
  DEFAULT_READ_PREFIXES,
  DEFAULT_WRITE_PREFIXES,
  type SensorProgramOptions,
} from "./program.js";
export { parseSensorLine } from "./parse.js";
export { EventAssembler, type ContextSource } from "./assemble.js";
export { SensorError, type SensorErrorCode } from "./errors.js";
export { checkSensorEnvironment } from "./environment.js";
export type { SensorStats } from "./stats.js";
