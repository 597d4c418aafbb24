import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, diskFile, offer } from "../testutil/testing.js";
import { osAnalyzer, osFromOsRelease, osFromReleaseLine, parseOsRelease } from "./os.js";

const testdata = join(import.meta.dirname, "testdata");

describe("os analyzer", () => {
  it("reads this machine's real os-release like the shell does", async () => {
    const out = await offer(osAnalyzer, diskFile("/usr/lib/os-release"));
    // Independent reading: let sh source the file and print the fields.
    const { execFileSync } = await import("node:child_process");
    const sh = execFileSync(
      "sh",
      ["-c", '. /usr/lib/os-release; printf "%s\\n%s\\n%s\\n" "$ID" "$VERSION_ID" "$PRETTY_NAME"'],
      {
        encoding: "utf8",
      },
    ).split("\n");
    expect(out?.os?.family).toBe(sh[0]);
    expect(out?.os?.version).toBe(sh[1]);
    expect(out?.os?.prettyName).toBe(sh[2]);
  });

  it("reads the real /etc/debian_version as Debian's major version", async () => {
    expect(existsSync("/etc/debian_version")).toBe(true);
    const out = await offer(osAnalyzer, diskFile("/etc/debian_version"));
    const major = readFileSync("/etc/debian_version", "utf8").trim().split(".")[0];
    expect(out?.os).toMatchObject({ family: "debian", version: major });
  });

  // Hand-written: no Alpine or Rocky root filesystem can be produced on this machine.
  it("reads other distributions' os-release (hand-written copies)", () => {
    expect(osFromOsRelease(readFileSync(join(testdata, "alpine-os-release"), "utf8"))).toEqual({
      family: "alpine",
      name: "Alpine Linux",
      version: "3.19.1",
      prettyName: "Alpine Linux v3.19",
    });
    expect(osFromOsRelease(readFileSync(join(testdata, "rocky-os-release"), "utf8"))).toMatchObject({
      family: "rocky",
      version: "9.3",
    });
  });

  it("handles quoting and escapes", () => {
    const f = parseOsRelease(`A="x \\"y\\""\nB='z'\n# comment\nC=plain\n`);
    expect([f.get("A"), f.get("B"), f.get("C")]).toEqual(['x "y"', "z", "plain"]);
  });

  it("maps Red Hat-style release lines to os-release IDs", () => {
    expect(osFromReleaseLine("Rocky Linux release 9.3 (Blue Onyx)")).toMatchObject({
      family: "rocky",
      version: "9.3",
      codename: "Blue Onyx",
    });
    expect(osFromReleaseLine("Red Hat Enterprise Linux release 8.9 (Ootpa)")).toMatchObject({
      family: "rhel",
      version: "8.9",
    });
    expect(osFromReleaseLine("CentOS Linux release 7.9.2009 (Core)")).toMatchObject({
      family: "centos",
      version: "7.9.2009",
    });
    expect(osFromReleaseLine("Something else")).toBeUndefined();
  });

  it("ignores Ubuntu's non-numeric debian_version and rejects os-release without ID", async () => {
    expect(await offer(osAnalyzer, bufferFile("/etc/debian_version", "bookworm/sid\n"))).toBeUndefined();
    await expect(offer(osAnalyzer, bufferFile("/etc/os-release", "NAME=x\n"))).rejects.toMatchObject({
      code: "PARSE",
    });
    // Wanted, so that the walker reports it over `maxBytes` rather than skipping it in silence.
    expect(osAnalyzer.wants("/etc/os-release", { size: 10 << 20, mode: 0o100644 })).toBe(true);
    expect(10 << 20).toBeGreaterThan(osAnalyzer.maxBytes ?? Infinity);
    expect(osAnalyzer.wants("/home/etc/os-release", { size: 100, mode: 0o100644 })).toBe(false);
  });
});
