import type { ScanOptions, ImageScanInput, ScanResult } from "@bulwark/model";
import { Collector } from "../collector.js";
import { disabledChecks } from "../engine.js";
import { runRules } from "../rules.js";
import { ruleSets } from "../registry.js";
import { finalFacts } from "./fs-rules.js";

/** `scan image --scanners misconfig`: the image config and the final filesystem's facts. */
export async function scanImageMisconfig(input: ImageScanInput, options: ScanOptions): Promise<ScanResult> {
  const c = new Collector();
  const disabled = disabledChecks(options);
  for (const h of runRules(ruleSets.imageConfig, input.image.config, c.evaluated, disabled))
    c.addPlain(h.rule, h.at.file, h.at.line, h.message);
  const facts = finalFacts(input.layers);
  for (const h of runRules(ruleSets.imageFs, facts, c.evaluated, disabled))
    c.addPlain(h.rule, h.at.file, h.at.line, h.message);
  return c.result(options);
}
