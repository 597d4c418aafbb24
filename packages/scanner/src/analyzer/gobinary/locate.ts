/**
 * Finds a Go executable's build info from a few headers instead of the whole file, by Go's
 * own rule (debug/buildinfo): the `.go.buildinfo` section when section headers name it, else
 * the first writable loaded segment; the header sits 16-aligned within its first 64 KiB.
 */
import type { AnalyzerFile } from "@bulwark/model";
import { findSection, firstWritableSegment, MAX_SECTION, readElfHeader } from "../common/elf-ranges.js";

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
/** Where Go searches for the header. */
const SEARCH = 64 * 1024;

/**
 * The bytes from the build-info header onward (the header at offset 0), or undefined when the
 * file is not ELF or Go's rule finds no header in it.
 */
export async function readBuildInfoWindow(file: AnalyzerFile): Promise<Buffer | undefined> {
  const h = await readElfHeader(file);
  if (!h) return undefined;
  const section = await findSection(file, h, ".go.buildinfo");
  const start = section?.offset ?? (await firstWritableSegment(file, h));
  if (start === undefined) return undefined;
  const area = await file.readRange(start, section ? Math.min(section.size, MAX_SECTION) : SEARCH);
  for (let at = area.indexOf(MAGIC); at >= 0 && at < SEARCH; at = area.indexOf(MAGIC, at + 1)) {
    if (at % 16 === 0) return area.subarray(at);
  }
  return undefined;
}
