/**
 * dpkg: the status database (/var/lib/dpkg/status), distroless per-package files
 * (/var/lib/dpkg/status.d/*), the owned-file lists (/var/lib/dpkg/info/*.list) and
 * licenses from machine-readable /usr/share/doc/<pkg>/copyright files (as facts).
 */
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { iterStanzas, streamStanzas, type Stanza } from "../common/stanza.js";
import { copyrightFact, isCopyrightPath } from "./copyright.js";
import {
  baseName,
  decodeText,
  isRegularFile,
  MiB,
  newPackage,
  parseError,
  refuseOver,
  refuseOversizedDb,
} from "../common/util.js";

const STATUS = "/var/lib/dpkg/status";
const STATUS_D = "/var/lib/dpkg/status.d/";
const INFO = "/var/lib/dpkg/info/";

/** "Status: want flag state": the package is on disk when the state is "installed". */
function isInstalled(stanza: Stanza, statusRequired: boolean): boolean {
  const status = stanza.get("status");
  if (status === undefined) return !statusRequired;
  return status.split(/\s+/)[2] === "installed";
}

/** "Source: name (version)" or "Source: name"; absent means the source is the binary itself. */
export function parseSource(field: string | undefined, name: string, version: string) {
  if (!field) return { name, version };
  const m = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(field.trim());
  if (!m?.[1]) return { name, version };
  return { name: m[1], version: m[2]?.trim() || version };
}

export function packageFromStanza(stanza: Stanza, path: string): Package {
  const name = stanza.get("package");
  const version = stanza.get("version");
  if (!name || !version) throw parseError(`${path}: stanza without Package or Version`);
  const arch = stanza.get("architecture");
  const metadata: Record<string, string> = {};
  const multiArch = stanza.get("multi-arch");
  if (multiArch) metadata.multiArch = multiArch;
  const maintainer = stanza.get("maintainer");
  if (maintainer) metadata.maintainer = maintainer;
  return newPackage({
    type: "deb",
    name,
    version,
    path,
    source: parseSource(stanza.get("source"), name, version),
    arch,
    metadata,
  });
}

/** The fields a package is built from; the rest of a stanza is never kept. */
const STATUS_FIELDS = new Set([
  "package",
  "version",
  "status",
  "architecture",
  "multi-arch",
  "maintainer",
  "source",
]);

/** The package a stanza describes, when it is installed (status.d stanzas may omit Status). */
function installedPackage(s: Stanza, path: string, statusRequired: boolean): Package | undefined {
  return s.has("package") && isInstalled(s, statusRequired) ? packageFromStanza(s, path) : undefined;
}

/** Packages of a status file's text; only installed ones. */
export function parseDpkgStatus(text: string, path: string, statusRequired = true): Package[] {
  const packages: Package[] = [];
  for (const s of iterStanzas(text, path, STATUS_FIELDS)) {
    const pkg = installedPackage(s, path, statusRequired);
    if (pkg) packages.push(pkg);
  }
  return packages;
}

/**
 * The same packages as `parseDpkgStatus`, read from the file in bounded ranges: a 235k-package
 * status file never sits in memory whole, nor as one string.
 */
export async function readDpkgStatus(
  file: AnalyzerFile,
  statusRequired: boolean,
  chunk?: number,
): Promise<Package[]> {
  const packages: Package[] = [];
  for await (const s of streamStanzas(file, file.path, STATUS_FIELDS, chunk)) {
    const pkg = installedPackage(s, file.path, statusRequired);
    if (pkg) packages.push(pkg);
  }
  return packages;
}

/** "libc6:amd64.list" → "libc6". */
export function ownerFromListPath(path: string): string {
  const base = baseName(path).slice(0, -".list".length);
  const colon = base.indexOf(":");
  return colon < 0 ? base : base.slice(0, colon);
}

export function parseDpkgList(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("/") && l !== "/.");
}

function isStatusDFile(path: string): boolean {
  if (!path.startsWith(STATUS_D)) return false;
  const rest = path.slice(STATUS_D.length);
  return rest.length > 0 && !rest.includes("/") && !rest.endsWith(".md5sums");
}

export const dpkgAnalyzer: Analyzer = {
  name: "dpkg",
  // 3: copyright licenses moved from the untyped `facts` field to `licenses`.
  // 4: a status file over its bound is an issue, no longer skipped in silence.
  // 5: so are status.d, copyright and .list files over theirs.
  version: 5,
  wants(path, info) {
    if (!isRegularFile(info.mode)) return false;
    if (path === STATUS || isStatusDFile(path) || isCopyrightPath(path)) return true;
    return path.startsWith(INFO) && path.endsWith(".list") && !path.slice(INFO.length).includes("/");
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    if (isCopyrightPath(file.path)) {
      // Boost's copyright file is 2 MB; nothing real comes near this cap.
      refuseOver(file, 8 * MiB, "copyright file");
      const fact = copyrightFact(file.path, (await file.read()).toString("utf8"));
      return fact ? { licenses: [fact] } : undefined;
    }
    if (file.path.endsWith(".list") && file.path.startsWith(INFO)) {
      refuseOver(file, 64 * MiB, "file list");
      const text = decodeText(await file.read(), file.path);
      return { ownedFiles: { owner: ownerFromListPath(file.path), files: parseDpkgList(text) } };
    }
    if (file.path === STATUS) refuseOversizedDb(file);
    else refuseOver(file, 4 * MiB, "status.d file");
    const packages = await readDpkgStatus(file, file.path === STATUS);
    return packages.length > 0 ? { packages } : undefined;
  },
};
