/** Public API of the runtime package (events, rules, inputs, sensor, alerts). */
export * from "./events/index.js";
