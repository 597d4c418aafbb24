import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, offer } from "../testutil/testing.js";
import { debianPackages, run } from "../testutil/testcache.js";
import { packagesOf, walkDir } from "../testutil/testwalk.js";
import { gemAnalyzer, gemLicenses } from "./gem.js";

describe("gem analyzer on real Debian ruby-* packages", () => {
  // Debian installs RubyGems-generated specifications under rubygems-integration.
  const { root, debs } = debianPackages(["ruby-rack", "ruby-mustache"]);

  it("reads name, version and licenses; agrees with RubyGems' own stub line and Debian's version", async () => {
    const pkgs = packagesOf(await walkDir(gemAnalyzer, join(root, "usr"), "/usr"));
    expect(pkgs.map((p) => p.name).sort()).toEqual(["mustache", "rack"]);
    for (const p of pkgs) {
      const text = readFileSync(join(root, p.locations[0]?.path ?? ""), "utf8");
      // "# stub: <name> <version> <platform> <paths>" is what RubyGems reads for fast loading.
      const stub = /^# stub: (\S+) (\S+)/m.exec(text);
      expect([p.name, p.version]).toEqual([stub?.[1], stub?.[2]]);
      const debVersion = run("sh", ["-c", `dpkg-deb -f ${debs}/ruby-${p.name}_*.deb Version`]).trim();
      expect(debVersion.startsWith(p.version)).toBe(true);
      expect(p.licenses).toEqual(["MIT"]);
      expect(p.type).toBe("gem");
    }
  });
});

describe("gemspec literals", () => {
  it("reads single and list licenses and Gem::Version.new versions", async () => {
    expect(gemLicenses(`s.license = 'BSD-2-Clause'\n`)).toEqual(["BSD-2-Clause"]);
    expect(gemLicenses(`  s.licenses = ["MIT".freeze, "Ruby".freeze]\n`)).toEqual(["MIT", "Ruby"]);
    const out = await offer(
      gemAnalyzer,
      bufferFile(
        "/g/specifications/x-1.gemspec",
        `Gem::Specification.new do |s|\n  s.name = "x"\n  s.version = Gem::Version.new("1.0")\nend\n`,
      ),
    );
    expect(out?.packages?.[0]).toMatchObject({ name: "x", version: "1.0" });
  });

  it("reports a gemspec without literal name/version as PARSE", async () => {
    await expect(
      offer(gemAnalyzer, bufferFile("/g/specifications/x.gemspec", "s.name = compute()\n")),
    ).rejects.toMatchObject({ code: "PARSE" });
  });
});
