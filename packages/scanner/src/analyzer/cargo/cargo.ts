/**
 * Rust binaries built with cargo-auditable: the `.dep-v0` ELF section holds zlib-compressed
 * JSON {packages: [{name, version, source, kind, dependencies, root}]}. Build-time-only
 * dependencies (kind "build") are not linked into the binary and are left out.
 */
import { inflateSync } from "node:zlib";
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { findSection, MAX_SECTION, readElfHeader } from "../common/elf-ranges.js";
import { isExecutable, isObject, MiB, newPackage, parseError, parseJson, str } from "../common/util.js";

const SECTION = ".dep-v0";
const MAX_JSON = 8 * MiB;

export function auditablePackages(json: unknown, path: string): Package[] {
  if (!isObject(json) || !Array.isArray(json.packages))
    throw parseError(`${path}: ${SECTION} has no packages array`);
  const out: Package[] = [];
  for (const p of json.packages) {
    if (!isObject(p)) continue;
    const name = str(p.name);
    const version = str(p.version);
    if (!name || !version) throw parseError(`${path}: ${SECTION} package without name or version`);
    if (p.kind === "build") continue;
    const metadata: Record<string, string | boolean> = {};
    const source = str(p.source);
    if (source) metadata.source = source;
    if (p.root === true) metadata.root = true;
    out.push(newPackage({ type: "cargo", name, version, path, metadata }));
  }
  return out;
}

/** The `.dep-v0` section's JSON, read without the rest of the file; undefined when there is none. */
export async function readAuditableSection(file: AnalyzerFile): Promise<unknown> {
  const h = await readElfHeader(file);
  const section = h && (await findSection(file, h, SECTION));
  if (!section) return undefined;
  let json: Buffer;
  try {
    json = inflateSync(await file.readRange(section.offset, Math.min(section.size, MAX_SECTION)), {
      maxOutputLength: MAX_JSON,
    });
  } catch (e) {
    throw parseError(
      `${file.path}: ${SECTION} is not valid zlib data (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  return parseJson(json, `${file.path} ${SECTION}`);
}

export const cargoAuditableAnalyzer: Analyzer = {
  name: "cargo-auditable",
  version: 2,
  maxBytes: 256 * MiB,
  wants(_path, info) {
    return isExecutable(info.mode) && info.size >= 64;
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const json = await readAuditableSection(file);
    if (json === undefined) return undefined;
    const packages = auditablePackages(json, file.path);
    return packages.length > 0 ? { packages } : undefined;
  },
};
