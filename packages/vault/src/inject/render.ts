/**
 * Rendering secrets into files: one file per string field, or one file from a template
 * (`{{ .field }}` placeholders, e.g. a `.env` or a config file). Files are written with
 * mode 0400, owned by the container user, and replaced atomically (write + rename) so a
 * reader never sees half a value.
 */
import { randomBytes } from "node:crypto";
import { chownSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { invalid } from "../errors.js";

export function renderTemplate(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*\.?([A-Za-z0-9_.-]+)\s*\}\}/g, (_, field: string) => {
    const v = data[field];
    if (v === undefined) throw invalid(`template references unknown field "${field}"`);
    return typeof v === "string" ? v : JSON.stringify(v);
  });
}

export function writeSecretFile(dir: string, name: string, content: string, uid: number, gid: number): void {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name) || name.startsWith("."))
    throw invalid(`invalid secret file name "${name}"`);
  const tmp = join(dir, `.tmp-${randomBytes(6).toString("hex")}`);
  try {
    writeFileSync(tmp, content, { mode: 0o400, flag: "wx" });
    chownSync(tmp, uid, gid);
    renameSync(tmp, join(dir, name));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The files to write for one secret version. */
export function renderFiles(
  data: Record<string, unknown>,
  template?: { text: string; file: string },
): Array<[string, string]> {
  if (template) return [[template.file, renderTemplate(template.text, data)]];
  return Object.entries(data)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .map(([k, v]) => [k, v]);
}
