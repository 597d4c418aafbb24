import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, diskFile, offer } from "../testutil/testing.js";
import { debianPackages, run } from "../testutil/testcache.js";
import { dpkgAnalyzer, ownerFromListPath, parseDpkgStatus, parseSource, readDpkgStatus } from "./dpkg.js";

/** dpkg-query is the reference implementation reading the same database. */
function dpkgQuery(format: string): string[] {
  return execFileSync("dpkg-query", ["-W", "-f", format], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l !== "");
}

describe("dpkg analyzer on this machine's real database", () => {
  it("finds exactly the installed packages dpkg-query lists, with versions and architectures", async () => {
    const out = await offer(dpkgAnalyzer, diskFile("/var/lib/dpkg/status"));
    const ours = (out?.packages ?? []).map((p) => `${p.name} ${p.version} ${p.arch}`).sort();
    const theirs = dpkgQuery("${db:Status-Status} ${Package} ${Version} ${Architecture}\n")
      .filter((l) => l.startsWith("installed "))
      .map((l) => l.slice("installed ".length))
      .sort();
    expect(ours.length).toBeGreaterThan(50);
    expect(ours).toEqual(theirs);
  });

  it("derives source package name and version as dpkg-query does", async () => {
    const out = await offer(dpkgAnalyzer, diskFile("/var/lib/dpkg/status"));
    const ours = (out?.packages ?? []).map((p) => `${p.name} ${p.source?.name} ${p.source?.version}`).sort();
    const theirs = dpkgQuery("${Package} ${source:Package} ${source:Version}\n").sort();
    expect(ours).toEqual(theirs);
    // At least one package on a Debian system is built from a differently named/versioned source.
    expect(out?.packages?.some((p) => p.source && p.source.version !== p.version)).toBe(true);
  });

  it("reads the status file in bounded ranges, never whole, with the same packages", async () => {
    const whole = readFileSync("/var/lib/dpkg/status");
    const asked: number[] = [];
    const file = {
      ...bufferFile("/var/lib/dpkg/status", whole),
      read: () => Promise.reject(new Error("the status file was read whole")),
      readRange: (offset: number, length: number) => {
        asked.push(length);
        return Promise.resolve(whole.subarray(offset, offset + length));
      },
    };
    const chunk = 64 * 1024;
    const streamed = await readDpkgStatus(file, true, chunk);
    expect(streamed).toEqual(parseDpkgStatus(whole.toString("utf8"), "/var/lib/dpkg/status"));
    expect(asked.length).toBeGreaterThan(1);
    expect(Math.max(...asked)).toBeLessThanOrEqual(chunk);
    // Through the analyzer (4 MiB ranges) the whole file is never asked for either.
    expect((await offer(dpkgAnalyzer, file))?.packages).toEqual(streamed);
  });

  it("reads owned files from real info/*.list files, multi-arch names included", async () => {
    const info = "/var/lib/dpkg/info";
    const lists = readdirSync(info).filter((f) => f.endsWith(".list"));
    const multiArch = lists.find((f) => f.includes(":"));
    for (const name of [lists.find((f) => f.startsWith("dpkg.list")), multiArch]) {
      if (!name) continue;
      const out = await offer(dpkgAnalyzer, diskFile(join(info, name)));
      const owner = name.replace(/(:[^.]+)?\.list$/, "");
      const theirs = execFileSync("dpkg-query", ["-L", owner], { encoding: "utf8" });
      const expected = theirs.split("\n").filter((l) => l.startsWith("/") && l !== "/.");
      expect(out?.ownedFiles?.owner).toBe(owner);
      expect(out?.ownedFiles?.files.sort()).toEqual(expected.sort());
    }
    expect(ownerFromListPath("/var/lib/dpkg/info/libc6:amd64.list")).toBe("libc6");
  });
});

describe("distroless status.d", () => {
  // Real control stanzas from Debian's archive; distroless writes one control file per package.
  const { debs } = debianPackages(["python3-six", "libcommons-lang3-java"]);

  it("reads one stanza per file (Status optional) and skips md5sums", async () => {
    const found = [];
    for (const deb of readdirSync(debs)) {
      const control = run("dpkg-deb", ["-f", join(debs, deb)]);
      const name = run("dpkg-deb", ["-f", join(debs, deb), "Package"]).trim();
      const version = run("dpkg-deb", ["-f", join(debs, deb), "Version"]).trim();
      const out = await offer(dpkgAnalyzer, bufferFile(`/var/lib/dpkg/status.d/${name}`, control));
      expect(out?.packages?.map((p) => [p.name, p.version])).toEqual([[name, version]]);
      found.push(name);
    }
    expect(found.sort()).toEqual(["libcommons-lang3-java", "python3-six"]);
    expect(
      dpkgAnalyzer.wants("/var/lib/dpkg/status.d/python3-six.md5sums", { size: 10, mode: 0o100644 }),
    ).toBe(false);
    expect(dpkgAnalyzer.wants("/var/lib/dpkg/status.d/python3-six", { size: 10, mode: 0o100644 })).toBe(true);
  });
});

describe("status parsing details", () => {
  // Hand-written stanzas for states this machine's database does not contain.
  const text = [
    "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n",
    "Package: held\nStatus: hold ok installed\nVersion: 1:2.3-4\nArchitecture: amd64\nSource: heldsrc (1:2.3-3)\nDescription: x\n long text\n .\n more\n",
    "Package: half\nStatus: install ok half-installed\nVersion: 2\n",
  ].join("\n");

  it("keeps installed packages only and parses epochs and Source versions", () => {
    const pkgs = parseDpkgStatus(text, "/var/lib/dpkg/status");
    expect(pkgs).toHaveLength(1);
    expect(pkgs[0]).toMatchObject({
      name: "held",
      version: "1:2.3-4",
      arch: "amd64",
      source: { name: "heldsrc", version: "1:2.3-3" },
      purl: "",
    });
    expect(pkgs[0]?.locations).toEqual([{ path: "/var/lib/dpkg/status" }]);
  });

  it("defaults the source version to the binary version", () => {
    expect(parseSource("glibc", "libc6", "2.36-9")).toEqual({ name: "glibc", version: "2.36-9" });
    expect(parseSource(undefined, "bash", "5.2-1")).toEqual({ name: "bash", version: "5.2-1" });
  });

  it("rejects malformed files with a PARSE error", async () => {
    await expect(
      offer(dpkgAnalyzer, bufferFile("/var/lib/dpkg/status", "Package: x\nno colon here\n")),
    ).rejects.toMatchObject({ code: "PARSE" });
    await expect(
      offer(dpkgAnalyzer, bufferFile("/var/lib/dpkg/status", " leading continuation\n")),
    ).rejects.toMatchObject({ code: "PARSE" });
    await expect(
      offer(dpkgAnalyzer, bufferFile("/var/lib/dpkg/status", Buffer.from([0x50, 0, 1, 2]))),
    ).rejects.toMatchObject({ code: "PARSE" });
    const noVersion = "Package: x\nStatus: install ok installed\n";
    await expect(offer(dpkgAnalyzer, bufferFile("/var/lib/dpkg/status", noVersion))).rejects.toMatchObject({
      code: "PARSE",
    });
  });
});
