import { describe, expect, it } from "vitest";
import { normaliseEntryPath, resolveSymlinkTarget, whiteoutOf } from "./paths.js";

describe("entry paths", () => {
  it.each([
    ["./usr/bin/x", "/usr/bin/x"],
    ["usr/bin/", "/usr/bin"],
    ["./", "/"],
    ["a//b/./c", "/a/b/c"],
    ["a/b/../c", "/a/c"],
  ])("%s -> %s", (name, path) => {
    expect(normaliseEntryPath(name, "L")).toBe(path);
  });

  it.each(["../etc/passwd", "a/../../b", "/etc/passwd", "./../x"])(
    "refuses %s as UNSAFE_PATH naming entry and layer",
    (name) => {
      expect(() => normaliseEntryPath(name, "sha256:layer")).toThrow(
        expect.objectContaining({
          code: "UNSAFE_PATH",
          message: expect.stringMatching(/sha256:layer.*entry|entry.*sha256:layer/),
        }),
      );
    },
  );
});

describe("symlink resolution", () => {
  it("resolves relative targets from the link's directory", () => {
    expect(resolveSymlinkTarget("/etc/os-release", "../usr/lib/os-release", "L")).toBe("/usr/lib/os-release");
    expect(resolveSymlinkTarget("/bin", "usr/bin", "L")).toBe("/usr/bin");
    expect(resolveSymlinkTarget("/a/b/c", "./d/../e", "L")).toBe("/a/b/e");
  });

  it("resolves absolute targets inside the image root", () => {
    expect(resolveSymlinkTarget("/usr/bin/awk", "/etc/alternatives/awk", "L")).toBe("/etc/alternatives/awk");
    expect(resolveSymlinkTarget("/x", "/../../etc/shadow", "L")).toBe("/etc/shadow");
  });

  it("refuses relative targets that climb out of the root", () => {
    expect(() => resolveSymlinkTarget("/etc/evil", "../../host/etc/shadow", "sha256:abc")).toThrow(
      expect.objectContaining({ code: "UNSAFE_PATH", message: expect.stringContaining("/etc/evil") }),
    );
    expect(() => resolveSymlinkTarget("/top", "..", "L")).toThrow(
      expect.objectContaining({ code: "UNSAFE_PATH" }),
    );
  });
});

describe("whiteouts", () => {
  it("recognises file whiteouts, opaque dirs and AUFS metadata", () => {
    expect(whiteoutOf("/etc/.wh.passwd")).toEqual({ kind: "whiteout", path: "/etc/passwd" });
    expect(whiteoutOf("/.wh.opt")).toEqual({ kind: "whiteout", path: "/opt" });
    expect(whiteoutOf("/var/lib/.wh..wh..opq")).toEqual({ kind: "opaque", dir: "/var/lib" });
    expect(whiteoutOf("/.wh..wh.plnk")).toEqual({ kind: "aufs-meta" });
    expect(whiteoutOf("/etc/passwd")).toBeUndefined();
  });
});
