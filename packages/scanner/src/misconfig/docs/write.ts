/** Regenerates docs/checks.md from the catalogue: `npx tsx src/misconfig/docs/write.ts`. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalog } from "../catalog.js";
import { renderChecksDoc } from "./render.js";

export const CHECKS_DOC = join(import.meta.dirname, "..", "..", "..", "..", "..", "docs", "checks.md");

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(CHECKS_DOC, renderChecksDoc(catalog()));
  process.stdout.write(`wrote ${CHECKS_DOC}\n`);
}
