import { describe, expect, it } from "vitest";
import type { OsInfo, Package } from "../../../model/src/package.js";
import { goStdlibQuery, goToolchainVersion, osEcosystem, osvQueryFor, sameOsvPackage } from "./ecosystems.js";

function pkg(p: Partial<Package> & Pick<Package, "type" | "name" | "version">): Package {
  return { purl: `pkg:${p.type}/${p.name}@${p.version}`, licenses: [], locations: [{ path: "/x" }], ...p };
}

const debian12: OsInfo = { family: "debian", name: "Debian GNU/Linux", version: "12" };

describe("osEcosystem", () => {
  it.each([
    [{ family: "debian", name: "Debian", version: "12" }, "Debian:12"],
    [{ family: "debian", name: "Debian", version: "11.9" }, "Debian:11"],
    [{ family: "ubuntu", name: "Ubuntu", version: "22.04" }, "Ubuntu:22.04:LTS"],
    [{ family: "ubuntu", name: "Ubuntu", version: "23.10" }, "Ubuntu:23.10"],
    [{ family: "ubuntu", name: "Ubuntu", version: "21.04" }, "Ubuntu:21.04"],
    [{ family: "alpine", name: "Alpine", version: "3.19.1" }, "Alpine:v3.19"],
    [{ family: "rhel", name: "RHEL", version: "9.3" }, "Red Hat:9"],
    [{ family: "rocky", name: "Rocky", version: "9.3" }, "Rocky Linux:9"],
    [{ family: "almalinux", name: "Alma", version: "8.9" }, "AlmaLinux:8"],
    [{ family: "wolfi", name: "Wolfi", version: "20230201" }, "Wolfi"],
    [{ family: "chainguard", name: "Chainguard", version: "" }, "Chainguard"],
  ])("%o → %s", (os, eco) => {
    expect(osEcosystem(os)).toBe(eco);
  });

  it("does not guess a release it does not know", () => {
    expect(osEcosystem({ family: "debian", name: "Debian", version: "" })).toBeUndefined();
    expect(osEcosystem({ family: "gentoo", name: "Gentoo", version: "2.14" })).toBeUndefined();
    expect(osEcosystem(undefined)).toBeUndefined();
  });
});

describe("osvQueryFor", () => {
  it("looks Debian packages up by source package and source version", () => {
    const p = pkg({
      type: "deb",
      name: "libssl3",
      version: "3.0.11-1~deb12u2+b1",
      source: { name: "openssl", version: "3.0.11-1~deb12u2" },
    });
    expect(osvQueryFor(p, debian12)).toEqual({
      ecosystem: "Debian:12",
      name: "openssl",
      version: "3.0.11-1~deb12u2",
    });
  });

  it("falls back to the binary name when the source is the package itself", () => {
    expect(osvQueryFor(pkg({ type: "deb", name: "bash", version: "5.2.15-2+b2" }), debian12)).toEqual({
      ecosystem: "Debian:12",
      name: "bash",
      version: "5.2.15-2+b2",
    });
  });

  it("keeps binary names for rpm distros", () => {
    const p = pkg({
      type: "rpm",
      name: "openssl-libs",
      version: "1:3.0.7-24.el9",
      source: { name: "openssl", version: "3.0.7-24.el9" },
    });
    expect(osvQueryFor(p, { family: "rocky", name: "Rocky", version: "9.3" })?.name).toBe("openssl-libs");
  });

  it("does not match OS packages when the OS is unknown", () => {
    expect(osvQueryFor(pkg({ type: "deb", name: "bash", version: "5" }), undefined)).toBeUndefined();
  });

  it.each<[Partial<Package> & Pick<Package, "type" | "name" | "version">, string, string, string]>([
    [{ type: "npm", name: "@babel/core", version: "7.0.0" }, "npm", "@babel/core", "7.0.0"],
    [{ type: "pypi", name: "Jinja2", version: "2.10" }, "PyPI", "jinja2", "2.10"],
    [{ type: "pypi", name: "zope.interface", version: "5.0" }, "PyPI", "zope-interface", "5.0"],
    [{ type: "golang", name: "golang.org/x/net", version: "v0.7.0" }, "Go", "golang.org/x/net", "0.7.0"],
    [{ type: "golang", name: "stdlib", version: "1.17.2" }, "Go", "stdlib", "1.17.2"],
    [
      { type: "maven", namespace: "org.apache.logging.log4j", name: "log4j-core", version: "2.14.1" },
      "Maven",
      "org.apache.logging.log4j:log4j-core",
      "2.14.1",
    ],
    [{ type: "cargo", name: "time", version: "0.1.43" }, "crates.io", "time", "0.1.43"],
    [{ type: "gem", name: "rack", version: "2.0.1" }, "RubyGems", "rack", "2.0.1"],
    [
      { type: "composer", namespace: "symfony", name: "http-kernel", version: "4.4.0" },
      "Packagist",
      "symfony/http-kernel",
      "4.4.0",
    ],
    [{ type: "nuget", name: "Newtonsoft.Json", version: "12.0.1" }, "NuGet", "Newtonsoft.Json", "12.0.1"],
  ])("%o", (p, ecosystem, name, version) => {
    expect(osvQueryFor(pkg(p), undefined)).toEqual({ ecosystem, name, version });
  });

  it("skips Go modules built from a working tree", () => {
    expect(
      osvQueryFor(pkg({ type: "golang", name: "example.com/app", version: "(devel)" }), undefined),
    ).toBeUndefined();
    expect(
      osvQueryFor(pkg({ type: "golang", name: "example.com/app", version: "" }), undefined),
    ).toBeUndefined();
  });
});

describe("Go toolchain versions", () => {
  it.each([
    ["go1.17.2", "1.17.2"],
    ["1.17.2", "1.17.2"],
    ["go1.20", "1.20.0"],
    ["go1.20 X:boringcrypto", "1.20.0"],
    ["go1.21rc2", "1.21.0-rc.2"],
    ["go1.19beta1", "1.19.0-beta.1"],
  ])("%s → %s", (raw, want) => {
    expect(goToolchainVersion(raw)).toBe(want);
  });

  it("rejects devel toolchains", () => {
    expect(goToolchainVersion("devel go1.22-abcdef")).toBeUndefined();
  });

  it("derives stdlib from a module's goVersion metadata", () => {
    const m = pkg({
      type: "golang",
      name: "github.com/evanw/esbuild",
      version: "v0.14.0",
      metadata: { goVersion: "go1.17.2" },
    });
    expect(goStdlibQuery(m)).toEqual({ ecosystem: "Go", name: "stdlib", version: "1.17.2" });
    expect(goStdlibQuery(pkg({ type: "npm", name: "x", version: "1" }))).toBeUndefined();
  });
});

describe("sameOsvPackage", () => {
  it("compares PyPI names normalised and others exactly", () => {
    expect(
      sameOsvPackage(
        { ecosystem: "PyPI", name: "PyYAML" },
        { ecosystem: "PyPI", name: "pyyaml", version: "1" },
      ),
    ).toBe(true);
    expect(
      sameOsvPackage(
        { ecosystem: "npm", name: "Lodash" },
        { ecosystem: "npm", name: "lodash", version: "1" },
      ),
    ).toBe(false);
    expect(
      sameOsvPackage(
        { ecosystem: "Debian:11", name: "bash" },
        { ecosystem: "Debian:12", name: "bash", version: "1" },
      ),
    ).toBe(false);
    expect(sameOsvPackage(undefined, { ecosystem: "npm", name: "x", version: "1" })).toBe(false);
  });
});
