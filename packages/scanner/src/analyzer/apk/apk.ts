/**
 * apk: /lib/apk/db/installed. One block per package, "K:value" lines; F: names a
 * directory (relative to /) and the R: lines after it are files in that directory.
 */
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { decodeText, isRegularFile, newPackage, parseError, refuseOversizedDb } from "../common/util.js";

// apk-tools keeps its database in /lib/apk/db; usr-merged Alpine releases use /usr/lib/apk/db.
const INSTALLED_PATHS = new Set(["/lib/apk/db/installed", "/usr/lib/apk/db/installed"]);

interface ApkRecord {
  fields: Map<string, string>;
  files: string[];
}

function parseRecords(text: string): ApkRecord[] {
  const records: ApkRecord[] = [];
  let current: ApkRecord = { fields: new Map(), files: [] };
  let dir = "";
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line === "") {
      if (current.fields.size > 0) records.push(current);
      current = { fields: new Map(), files: [] };
      dir = "";
      continue;
    }
    if (line[1] !== ":") throw parseError(`malformed line "${line.slice(0, 40)}"`);
    const key = line[0] ?? "";
    const value = line.slice(2);
    if (key === "F") dir = value;
    else if (key === "R") current.files.push(`/${dir ? `${dir}/` : ""}${value}`);
    else if (!current.fields.has(key)) current.fields.set(key, value);
  }
  if (current.fields.size > 0) records.push(current);
  return records;
}

export function parseApkInstalled(
  text: string,
  path: string,
): { packages: Package[]; owned: Array<{ owner: string; files: string[] }> } {
  const packages: Package[] = [];
  const owned: Array<{ owner: string; files: string[] }> = [];
  for (const r of parseRecords(text)) {
    const name = r.fields.get("P");
    const version = r.fields.get("V");
    if (!name || !version) throw parseError(`${path}: package record without P: or V:`);
    const license = r.fields.get("L");
    packages.push(
      newPackage({
        type: "apk",
        name,
        version,
        path,
        arch: r.fields.get("A"),
        // The origin is the aport the package was built from; secdb/OSV data is keyed by it.
        source: { name: r.fields.get("o") || name, version },
        licenses: license ? [license] : [],
      }),
    );
    owned.push({ owner: name, files: r.files });
  }
  return { packages, owned };
}

export const apkAnalyzer: Analyzer = {
  name: "apk",
  // 2: an installed database over its bound is an issue, no longer skipped in silence.
  version: 2,
  wants(path, info) {
    return INSTALLED_PATHS.has(path) && isRegularFile(info.mode);
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    refuseOversizedDb(file);
    const { packages, owned } = parseApkInstalled(decodeText(await file.read(), file.path), file.path);
    return packages.length > 0 ? { packages, ownedFileSets: owned } : undefined;
  },
};
