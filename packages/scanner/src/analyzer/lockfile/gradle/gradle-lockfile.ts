/**
 * gradle.lockfile: one "group:artifact:version=conf1,conf2" line per module. A module
 * only in test configurations (testCompileClasspath, testRuntimeClasspath, …) is dev.
 */
import { lockPackage, type LockResult } from "../common.js";

export function parseGradleLockfile(text: string, path: string): LockResult {
  const out: LockResult = { packages: [], notes: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (!t || t.startsWith("#") || t.startsWith("empty=")) return;
    const m = /^([^:=\s]+):([^:=\s]+):([^:=\s]+)=(.*)$/.exec(t);
    if (!m?.[1] || !m[2] || !m[3]) {
      out.notes.push({
        code: "not-checkable",
        message: `${path}:${i + 1}: not a group:artifact:version line`,
      });
      return;
    }
    const confs = (m[4] ?? "").split(",").filter(Boolean);
    const dev = confs.length > 0 && confs.every((c) => /^test/i.test(c));
    out.packages.push(
      lockPackage(path, { type: "maven", namespace: m[1], name: m[2], version: m[3], line: i + 1, dev }),
    );
  });
  return out;
}
