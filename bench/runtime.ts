/**
 * `npm run bench -- runtime`: the issue-12 figures in one run — rule evaluation
 * (bench/runtime-rules.ts) then the sensor's exec/open storms (bench/runtime-sensor.ts).
 * Arguments are passed to both.
 */
import { run as runRules } from "./runtime-rules.js";
import { run as runSensor } from "./runtime-sensor.js";

export async function run(args: string[]): Promise<void> {
  console.log("== runtime: rule evaluation ==");
  await runRules(args);
  console.log("\n== runtime: sensor ==");
  await runSensor(args);
}
