/** `--manifests PATH`: Kubernetes YAML from a file or a directory tree, for the exposure factor. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { BulwarkError, errorMessage } from "../deps.js";
import { exposureFromManifests, type ManifestExposure } from "../manifests.js";

/** Manifests larger than this are generated noise or an attack; they are skipped with a warning. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_FILES = 10_000;

function yamlFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new BulwarkError("USAGE", `--manifests ${path}: ${errorMessage(e)}`);
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const pending = [path];
  while (pending.length > 0 && out.length < MAX_FILES) {
    const dir = pending.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      // Symlinks are not followed: the tree cannot lead the reader elsewhere.
      if (entry.isDirectory() && entry.name !== ".git") pending.push(full);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
    }
  }
  return out.sort();
}

/**
 * Every workload's exposure in the manifests under `path`. A file that cannot be read or
 * parsed is named on `warn` and skipped; the others still count.
 */
export function readManifestExposure(path: string, warn: (line: string) => void): ManifestExposure[] {
  const documents: unknown[] = [];
  for (const file of yamlFiles(path)) {
    try {
      if (statSync(file).size > MAX_FILE_BYTES) {
        warn(`${file}: over ${MAX_FILE_BYTES} bytes, skipped`);
        continue;
      }
      for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
        if (doc.errors.length) throw doc.errors[0]!;
        documents.push(doc.toJS({ maxAliasCount: 100 }));
      }
    } catch (e) {
      warn(`${file}: not readable as YAML (${errorMessage(e).split("\n")[0]}), skipped`);
    }
  }
  return exposureFromManifests(documents);
}
