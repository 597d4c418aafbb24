import { describe, expect, it } from "vitest";
import { catalogers } from "./registry.js";

describe("cataloger registry", () => {
  it("lists every package type once, with stable names and numeric versions", () => {
    const list = catalogers;
    const names = list.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      "os",
      "dpkg",
      "apk",
      "rpm",
      "npm",
      "python",
      "gobinary",
      "java",
      "gem",
      "composer",
      "dotnet",
      "cargo-auditable",
      "lockfile",
    ]);
    for (const a of list) expect(Number.isInteger(a.version) && a.version > 0).toBe(true);
  });

  it("routes well-known files to exactly one cataloger (executables go to both binary readers)", () => {
    const file = { size: 1000, mode: 0o100644 };
    const exe = { size: 1000, mode: 0o100755 };
    const wanted = (path: string, info = file) =>
      catalogers.filter((a) => a.wants(path, info)).map((a) => a.name);
    expect(wanted("/var/lib/dpkg/status")).toEqual(["dpkg"]);
    expect(wanted("/etc/os-release")).toEqual(["os"]);
    expect(wanted("/app/node_modules/x/package.json")).toEqual(["npm"]);
    expect(wanted("/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA")).toEqual(["python"]);
    expect(wanted("/app/lib/x-1.0.jar")).toEqual(["java"]);
    expect(wanted("/usr/bin/app", exe)).toEqual(["gobinary", "cargo-auditable"]);
    expect(wanted("/etc/passwd")).toEqual([]);
    expect(wanted("/src/app/yarn.lock")).toEqual(["lockfile"]);
    expect(wanted("/src/app/node_modules/x/yarn.lock")).toEqual([]);
  });
});
