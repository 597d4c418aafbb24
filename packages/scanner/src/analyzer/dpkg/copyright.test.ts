import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bufferFile, offer } from "../testutil/testing.js";
import { packagesOf, walkDir } from "../testutil/testwalk.js";
import { dpkgAnalyzer } from "./dpkg.js";
import { dep5Licenses } from "./copyright.js";

/** An independent reading with find and awk of every DEP-5 copyright file on this machine. */
function shellLicenses(): Map<string, string[]> {
  // find follows no symlinks (like the walker); awk keeps the first occurrence of each License: value.
  const awk = `FNR == 1 { pkg = FILENAME; sub("^/usr/share/doc/", "", pkg); sub("/copyright$", "", pkg); started = 0; dep5 = 0; split("", seen) }
    !started && $0 !~ /^[[:space:]]*$/ { started = 1; dep5 = (tolower($0) ~ /^format:/) }
    dep5 && tolower($0) ~ /^license:/ { v = $0; sub(/^[^:]*:[[:space:]]*/, "", v); sub(/[[:space:]]+$/, "", v); if (v != "" && !(v in seen)) { seen[v] = 1; print pkg "\t" v } }`;
  const script = `find /usr/share/doc -mindepth 2 -maxdepth 2 -name copyright -type f -print0 | xargs -0 awk '${awk}'`;
  const out = new Map<string, string[]>();
  for (const line of execFileSync("sh", ["-c", script], { encoding: "utf8", maxBuffer: 64 << 20 }).split(
    "\n",
  )) {
    const [pkg, license] = line.split("\t");
    if (pkg && license) out.set(pkg, [...(out.get(pkg) ?? []), license]);
  }
  return out;
}

describe("dpkg copyright licenses", () => {
  it("reads the License: lines of this machine's real DEP-5 copyright files as awk does", async () => {
    const results = await walkDir(dpkgAnalyzer, "/usr/share/doc", "/usr/share/doc");
    expect(packagesOf(results)).toEqual([]);
    const ours = new Map(
      results.flatMap((r) => r.output.licenses ?? []).map((f) => [f.package, f.licenses] as const),
    );
    const theirs = shellLicenses();
    expect(theirs.size).toBeGreaterThan(50);
    expect(ours).toEqual(theirs);
    expect(ours.get("bash")).toContain("GPL-3+");
  });

  it("ignores free-form copyright files and nested paths", async () => {
    expect(dep5Licenses("This is the Debian prepackaged version of X.\nLicense: GPL\n")).toBeUndefined();
    const out = await offer(
      dpkgAnalyzer,
      bufferFile("/usr/share/doc/x/copyright", "Copyright 2020 someone\n"),
    );
    expect(out).toBeUndefined();
    expect(dpkgAnalyzer.wants("/usr/share/doc/x/examples/copyright", { size: 10, mode: 0o100644 })).toBe(
      false,
    );
  });

  it("emits a license fact for the package named by the directory", async () => {
    const text =
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: x\nLicense: MIT\n\nFiles: a/*\nLicense: GPL-2+ or Artistic\n\nLicense: MIT\n text\n";
    const out = await offer(dpkgAnalyzer, bufferFile("/usr/share/doc/libx1/copyright", text));
    expect(out?.licenses).toEqual([
      { type: "deb", package: "libx1", licenses: ["MIT", "GPL-2+ or Artistic"] },
    ]);
  });
});
