/**
 * `npm run bench -- runtime`: the issue-12 figures in one run — rule evaluation
 * (bench/runtime-rules.ts, default 200,000 events) then the sensor's exec/open storms
 * (bench/runtime-sensor.ts, default duration). Run those two by name to change their sizes.
 */
import { run as runRules } from "./runtime-rules.js";
import { run as runSensor } from "./runtime-sensor.js";

export async function run(): Promise<void> {
  console.log("== runtime: rule evaluation ==");
  await runRules([]);
  console.log("\n== runtime: sensor ==");
  await runSensor([]);
}
