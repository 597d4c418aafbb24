import type { ScanOptions, ImageScanInput, ScanResult } from "@bulwark/model";
import { Collector } from "../collector.js";
import { disabledChecks } from "../engine.js";
import { runRules } from "../rules.js";
import { imageConfigRules } from "./config-rules.js";
import { finalFacts, imageFsRules } from "./fs-rules.js";

/** `scan image --scanners misconfig`: the image config and the final filesystem's facts. */
export async function scanImageMisconfig(input: ImageScanInput, options: ScanOptions): Promise<ScanResult> {
  const c = new Collector();
  const disabled = disabledChecks(options);
  for (const h of runRules(imageConfigRules, input.image.config, c.evaluated, disabled))
    c.addPlain(h.rule, h.at.file, h.at.line, h.message);
  const facts = finalFacts(input.layers);
  for (const h of runRules(imageFsRules, facts, c.evaluated, disabled))
    c.addPlain(h.rule, h.at.file, h.at.line, h.message);
  return c.result(options);
}
