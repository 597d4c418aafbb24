/**
 * Python: installed distributions' core metadata — *.dist-info/METADATA (wheels, pip),
 * *.egg-info/PKG-INFO (setuptools), *.egg-info as a single file (distutils/Debian) and
 * unzipped eggs' *.egg/EGG-INFO/PKG-INFO.
 * The metadata file is the package's location: dpkg's info/*.list names exactly that
 * path, which is how a Debian python3-* package's own distribution is de-duplicated.
 */
import type { Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { decodeText, isRegularFile, MiB, newPackage, parseError } from "../common/util.js";

const METADATA = /\.dist-info\/METADATA$/;
const PKG_INFO = /\.egg-info\/PKG-INFO$|\.egg\/EGG-INFO\/PKG-INFO$/;
const EGG_INFO_FILE = /\.egg-info$/;

/** RFC 822 headers up to the first blank line; repeated fields (Classifier) keep every value. */
export function parseMetadataHeaders(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") break;
    if (/^[ \t]/.test(line)) {
      if (last && last.length > 0) last[last.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    last = fields.get(key) ?? [];
    last.push(line.slice(colon + 1).trim());
    fields.set(key, last);
  }
  return fields;
}

/** Trove license classifiers → SPDX ids for the common ones; others keep their label. */
const CLASSIFIER_SPDX: Record<string, string> = {
  "MIT License": "MIT",
  "BSD License": "BSD",
  "Apache Software License": "Apache-2.0",
  "ISC License (ISCL)": "ISC",
  "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
  "Python Software Foundation License": "PSF-2.0",
  "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
  "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
  "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
  "GNU Library or Lesser General Public License (LGPL)": "LGPL",
  "The Unlicense (Unlicense)": "Unlicense",
};

/** License-Expression (PEP 639) wins, then a one-line License field, then classifiers. */
export function pythonLicenses(fields: Map<string, string[]>): string[] {
  const expr = fields.get("license-expression")?.[0];
  if (expr) return [expr];
  const license = fields.get("license")?.[0];
  if (license && !license.includes("\n") && license.length <= 100 && license.toUpperCase() !== "UNKNOWN")
    return [license];
  const fromClassifiers = (fields.get("classifier") ?? [])
    .filter((c) => c.startsWith("License ::"))
    .map((c) => c.split("::").pop()?.trim() ?? "")
    .filter((c) => c !== "" && c !== "OSI Approved")
    // hasOwn: a hostile "License :: constructor" must not find Object.prototype.constructor.
    .map((c) => (Object.hasOwn(CLASSIFIER_SPDX, c) ? CLASSIFIER_SPDX[c]! : c));
  return fromClassifiers;
}

export const pythonAnalyzer: Analyzer = {
  name: "python",
  version: 2,
  maxBytes: 16 * MiB,
  wants(path, info) {
    if (!isRegularFile(info.mode)) return false;
    return METADATA.test(path) || PKG_INFO.test(path) || EGG_INFO_FILE.test(path);
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const fields = parseMetadataHeaders(decodeText(await file.read(), file.path));
    const name = fields.get("name")?.[0];
    const version = fields.get("version")?.[0];
    if (!name || !version) throw parseError(`${file.path}: metadata without Name or Version`);
    const pkg = newPackage({
      type: "pypi",
      name,
      version,
      path: file.path,
      licenses: pythonLicenses(fields),
    });
    return { packages: [pkg] };
  },
};
