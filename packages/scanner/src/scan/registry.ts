import { malwareScanner } from "../malware/scanner.js";
import { vulnScanner } from "../match/scanner.js";
import { misconfigScanner } from "../misconfig/scanner.js";
import { secretScanner } from "../secret/scanner.js";
import type { Scanner } from "@bulwark/model";

/**
 * The explicit list of scanners. `--scanners` picks from it by name; adding a
 * scanner is one import and one line here.
 */
export const scanners: Scanner[] = [vulnScanner, misconfigScanner, secretScanner, malwareScanner];
