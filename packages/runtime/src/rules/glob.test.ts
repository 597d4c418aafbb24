import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob } from "./glob.js";

describe("glob", () => {
  it.each([
    ["/home/*/.ssh/*", "/home/ann/.ssh/id_rsa", true],
    ["/home/*/.ssh/*", "/root/.ssh/id_rsa", false],
    ["*../*../*", "/a/../b/../c", true],
    ["/proc/*/environ", "/proc/1/task/2/environ", true],
    ["/dev/sd?", "/dev/sda", true],
    ["/dev/sd?", "/dev/sda1", false],
    ["/dev/sd[a-c]", "/dev/sdb", true],
    ["/dev/sd[!a-c]", "/dev/sdb", false],
    ["/dev/sd[!a-c]", "/dev/sdz", true],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    ["[]x]", "]", true],
    ["unclosed[", "unclosed[", true],
    ["", "", true],
    ["*", "", true],
  ])("%s vs %s → %s", (glob, text, want) => {
    expect(compileGlob(glob, false)(text)).toBe(want);
  });

  it("iglob ignores case", () => {
    expect(compileGlob("/ETC/*.CONF", true)("/etc/x.conf")).toBe(true);
    expect(compileGlob("/ETC/*.CONF", false)("/etc/x.conf")).toBe(false);
  });

  it("a pattern that makes a backtracking RegExp explode finishes (linear-time matcher)", () => {
    const glob = compileGlob(`${"*a".repeat(30)}*b`, false);
    expect(glob("a".repeat(5000))).toBe(false);
    expect(glob(`${"a".repeat(5000)}b`)).toBe(true);
  });

  it("agrees with an anchored RegExp translation on small inputs (fast-check)", () => {
    const toRe = (g: string): RegExp =>
      new RegExp(
        `^${[...g].map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.+^${}()|[\]\\/*?-]/g, "\\$&"))).join("")}$`,
      );
    fc.assert(
      fc.property(fc.stringMatching(/^[ab/*?]{0,8}$/), fc.stringMatching(/^[ab/]{0,12}$/), (g, s) => {
        expect(compileGlob(g, false)(s)).toBe(toRe(g).test(s));
      }),
      { numRuns: 3000 },
    );
  });
});
