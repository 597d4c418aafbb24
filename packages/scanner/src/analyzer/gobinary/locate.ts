/**
 * Finds a Go executable's build info from a few headers instead of the whole file, by Go's
 * own rule (debug/buildinfo): the `.go.buildinfo` section when section headers name it, else
 * the first writable loaded segment; the header sits 16-aligned within its first 64 KiB.
 *
 * One departure, for speed: Go searches the writable segment of every ELF file without that
 * section, so every C program costs a 64 KiB read. Here the segment is searched only when the
 * file has no section headers, or its sections mark it as Go's output (every Go linker since
 * Go 1.2 writes `.gopclntab`). A Go binary is missed only if its section table was edited to
 * drop all of them — and whoever edits a binary can as well erase its build info.
 */
import type { AnalyzerFile } from "@bulwark/model";
import { firstWritableSegment, MAX_SECTION, readElfHeader, readSections } from "../common/elf-ranges.js";

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
/** Where Go searches for the header. */
const SEARCH = 64 * 1024;
/** Sections only Go's linkers write. */
const GO_SECTIONS = [".gopclntab", ".note.go.buildid", ".gosymtab", ".go.buildinfo"];

/**
 * The bytes from the build-info header onward (the header at offset 0), or undefined when the
 * file is not ELF or Go's rule finds no header in it.
 */
export async function readBuildInfoWindow(file: AnalyzerFile): Promise<Buffer | undefined> {
  const h = await readElfHeader(file);
  if (!h) return undefined;
  const sections = await readSections(file, h);
  if (sections && !GO_SECTIONS.some((name) => sections.has(name))) return undefined;
  const section = sections?.get(".go.buildinfo");
  const start = section?.offset ?? (await firstWritableSegment(file, h));
  if (start === undefined) return undefined;
  const area = await file.readRange(start, section ? Math.min(section.size, MAX_SECTION) : SEARCH);
  for (let at = area.indexOf(MAGIC); at >= 0 && at < SEARCH; at = area.indexOf(MAGIC, at + 1)) {
    if (at % 16 === 0) return area.subarray(at);
  }
  return undefined;
}
