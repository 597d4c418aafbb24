/**
 * OS detection from os-release and the older distro release files. Each file yields an
 * OsInfo on its own; distro files are normalised to what os-release would say (family =
 * os-release ID, version = VERSION_ID) so the inventory can merge them without conflicts.
 */
import type { OsInfo, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { decodeText, isRegularFile, KiB, parseError } from "../common/util.js";

const OS_RELEASE = new Set(["/etc/os-release", "/usr/lib/os-release"]);
const DISTRO_FILES = new Set([
  "/etc/debian_version",
  "/etc/alpine-release",
  "/etc/redhat-release",
  "/etc/centos-release",
  "/etc/rocky-release",
  "/etc/almalinux-release",
  "/etc/fedora-release",
  "/etc/system-release",
]);

/** Parse KEY=value lines with shell-style quoting as os-release(5) specifies. */
export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    fields.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1).trim()));
  }
  return fields;
}

function unquote(v: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
    const inner = v.slice(1, -1);
    return q === '"' ? inner.replace(/\\(["\\$`])/g, "$1") : inner;
  }
  return v;
}

export function osFromOsRelease(text: string): OsInfo | undefined {
  const f = parseOsRelease(text);
  const id = f.get("ID")?.toLowerCase();
  if (!id) return undefined;
  const info: OsInfo = { family: id, name: f.get("NAME") ?? id, version: f.get("VERSION_ID") ?? "" };
  const codename = f.get("VERSION_CODENAME");
  if (codename) info.codename = codename;
  const pretty = f.get("PRETTY_NAME");
  if (pretty) info.prettyName = pretty;
  return info;
}

/** Red Hat-style "<Name> release <version> (<codename>)" lines name the distro. */
const RELEASE_LINE_FAMILIES: Array<[RegExp, string, string]> = [
  [/^Red Hat Enterprise Linux/i, "rhel", "Red Hat Enterprise Linux"],
  [/^Rocky Linux/i, "rocky", "Rocky Linux"],
  [/^AlmaLinux/i, "almalinux", "AlmaLinux"],
  [/^CentOS Stream/i, "centos", "CentOS Stream"],
  [/^CentOS/i, "centos", "CentOS Linux"],
  [/^Fedora/i, "fedora", "Fedora Linux"],
  [/^Oracle Linux/i, "ol", "Oracle Linux Server"],
  [/^Amazon Linux/i, "amzn", "Amazon Linux"],
];

export function osFromReleaseLine(text: string): OsInfo | undefined {
  const line = text.split(/\r?\n/)[0]?.trim() ?? "";
  for (const [re, family, name] of RELEASE_LINE_FAMILIES) {
    if (!re.test(line)) continue;
    const m = /release\s+([0-9][0-9.]*)(?:\s*\(([^)]*)\))?/i.exec(line);
    const info: OsInfo = { family, name, version: m?.[1] ?? "", prettyName: line };
    if (m?.[2]) info.codename = m[2];
    return info;
  }
  return undefined;
}

function osFromDistroFile(path: string, text: string): OsInfo | undefined {
  const first = text.split(/\r?\n/)[0]?.trim() ?? "";
  if (path === "/etc/debian_version") {
    // Ubuntu ships "bookworm/sid" here: only a numeric version identifies Debian itself.
    const m = /^(\d+)(?:\.\d+)*$/.exec(first);
    return m?.[1] ? { family: "debian", name: "Debian GNU/Linux", version: m[1] } : undefined;
  }
  if (path === "/etc/alpine-release") {
    return /^\d+(\.\d+)*/.test(first)
      ? { family: "alpine", name: "Alpine Linux", version: first }
      : undefined;
  }
  return osFromReleaseLine(first);
}

export const osAnalyzer: Analyzer = {
  name: "os",
  version: 2,
  // A padded os-release would otherwise hide the distribution, and with it every OS match.
  maxBytes: 64 * KiB,
  wants(path, info) {
    return (OS_RELEASE.has(path) || DISTRO_FILES.has(path)) && isRegularFile(info.mode);
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const text = decodeText(await file.read(), file.path);
    if (OS_RELEASE.has(file.path)) {
      const os = osFromOsRelease(text);
      if (!os) throw parseError(`${file.path}: no ID= line`);
      return { os };
    }
    const os = osFromDistroFile(file.path, text);
    return os ? { os } : undefined;
  },
};
