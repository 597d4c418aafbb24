import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BulwarkError, errorMessage } from "../errors.js";

/** Writes beside the destination then renames, so a reader never sees half a report. */
export function writeFileAtomic(path: string, text: string): void {
  const full = resolve(path);
  const tmp = join(dirname(full), `.${basename(full)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new BulwarkError("IO", `cannot write ${path}: ${errorMessage(e)}`);
  }
}
