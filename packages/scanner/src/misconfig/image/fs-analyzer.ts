import type { Analyzer, AnalyzerFile, FsFact } from "@bulwark/model";
import { refuseOver } from "../../analyzer/common/util.js";

export type { FsFact };

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const SSHD = new Set(["/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd", "/usr/sbin/dropbear"]);
const ACCOUNT_FILES = new Set(["/etc/passwd", "/etc/shadow"]);
/** Account files bigger than this are not account files worth parsing: the scan says so. */
const MAX_ACCOUNT_FILE = 4 * 1024 * 1024;

function fileType(mode: number): number {
  // Some walkers pass permission bits only; treat those as regular files.
  return mode & S_IFMT || S_IFREG;
}

function isWorldWritable(mode: number): boolean {
  const type = fileType(mode);
  if (type === S_IFLNK) return false;
  if (!(mode & 0o002)) return false;
  // Sticky world-writable directories (/tmp) are the intended design.
  return !(type === S_IFDIR && mode & 0o1000);
}

/**
 * Collects file-mode and account facts during the layer walk. Mode facts come from tar
 * headers alone; only /etc/passwd and /etc/shadow are read.
 */
export const misconfigFsAnalyzer: Analyzer = {
  name: "misconfig-fs",
  // 2: facts moved from the untyped `facts` field to `fsFacts` (cached layer results change shape).
  // 3: an account file over its bound is an issue, no longer skipped in silence.
  version: 3,
  wants(path, info) {
    if (ACCOUNT_FILES.has(path)) return true;
    if (SSHD.has(path)) return true;
    const type = fileType(info.mode);
    if (type === S_IFREG && info.mode & 0o6000) return true;
    return isWorldWritable(info.mode);
  },
  async analyze(file: AnalyzerFile) {
    if (ACCOUNT_FILES.has(file.path)) refuseOver(file, MAX_ACCOUNT_FILE, "account file");
    const facts: FsFact[] = [];
    const type = fileType(file.mode);
    if (type === S_IFREG && file.mode & 0o6000)
      facts.push({ type: "setuid", path: file.path, mode: file.mode });
    if (isWorldWritable(file.mode)) facts.push({ type: "world-writable", path: file.path, mode: file.mode });
    if (SSHD.has(file.path)) facts.push({ type: "sshd", path: file.path });
    if (file.path === "/etc/passwd")
      facts.push({
        type: "passwd",
        path: file.path,
        uid0: uid0Accounts((await file.read()).toString("utf8")),
      });
    if (file.path === "/etc/shadow")
      facts.push({
        type: "shadow",
        path: file.path,
        empty: emptyPasswords((await file.read()).toString("utf8")),
      });
    return facts.length ? { fsFacts: facts } : undefined;
  },
};

/** Accounts with UID 0 in a passwd file (name, 1-based line). */
export function uid0Accounts(text: string): Array<{ name: string; line: number }> {
  return text.split("\n").flatMap((l, i) => {
    const f = l.split(":");
    return f.length >= 4 && f[2] === "0" && !l.startsWith("#") ? [{ name: f[0] ?? "", line: i + 1 }] : [];
  });
}

/** Accounts whose shadow password field is empty: they log in without a password. */
export function emptyPasswords(text: string): Array<{ name: string; line: number }> {
  return text.split("\n").flatMap((l, i) => {
    const f = l.split(":");
    return f.length >= 2 && f[0] && f[1] === "" ? [{ name: f[0], line: i + 1 }] : [];
  });
}
