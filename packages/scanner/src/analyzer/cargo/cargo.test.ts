import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { diskFile, offer } from "../testutil/testing.js";
import { cached, hasCommand, run } from "../testutil/testcache.js";
import { auditablePackages, cargoAuditableAnalyzer } from "./cargo.js";

/**
 * cargo-auditable itself is not installable here (crates.io is out of reach), so the
 * `.dep-v0` section is added with objcopy to a real ELF executable — a rustc-built one
 * when rustc is present, else /bin/true. The JSON is hand-written in cargo-auditable's
 * schema ({packages: [{name, version, source, kind, dependencies, root}]}).
 */
const depInfo = {
  packages: [
    { name: "demo", version: "0.1.0", source: "local", dependencies: [1, 2], root: true },
    { name: "serde", version: "1.0.193", source: "crates.io" },
    { name: "cc", version: "1.0.83", source: "crates.io", kind: "build" },
    { name: "regex", version: "1.10.2", source: "crates.io", kind: "runtime" },
  ],
};

function auditableBinary(): { plain: string; audited: string; corrupt: string } {
  const dir = cached("cargo-auditable-v2", (work) => {
    const plain = join(work, "plain");
    if (hasCommand("rustc")) {
      writeFileSync(join(work, "main.rs"), 'fn main() { println!("hi"); }\n');
      run("rustc", ["-O", "-o", plain, join(work, "main.rs")]);
    } else copyFileSync("/bin/true", plain);
    writeFileSync(join(work, "dep-v0.bin"), deflateSync(JSON.stringify(depInfo)));
    const add = (section: string, out: string) =>
      run("objcopy", [
        "--add-section",
        `.dep-v0=${section}`,
        "--set-section-flags",
        ".dep-v0=noload,readonly",
        plain,
        join(work, out),
      ]);
    add(join(work, "dep-v0.bin"), "audited");
    writeFileSync(join(work, "garbage.bin"), "definitely not zlib");
    add(join(work, "garbage.bin"), "corrupt");
  });
  return { plain: join(dir, "plain"), audited: join(dir, "audited"), corrupt: join(dir, "corrupt") };
}

describe.skipIf(hasCommand("objcopy") ? "" : "objcopy missing (Debian package binutils)")(
  "cargo-auditable analyzer",
  () => {
    it("reads the .dep-v0 section of an ELF executable, leaving out build-only dependencies", async () => {
      const { audited } = auditableBinary();
      expect(run("objdump", ["-h", audited])).toContain(".dep-v0");
      const out = await offer(cargoAuditableAnalyzer, diskFile(audited, "/usr/local/bin/demo"));
      expect(
        out?.packages?.map((p) => [p.type, p.name, p.version, p.metadata?.source, p.metadata?.root ?? false]),
      ).toEqual([
        ["cargo", "demo", "0.1.0", "local", true],
        ["cargo", "serde", "1.0.193", "crates.io", false],
        ["cargo", "regex", "1.10.2", "crates.io", false],
      ]);
    });

    it("declines executables without the section", async () => {
      const { plain } = auditableBinary();
      expect(await offer(cargoAuditableAnalyzer, diskFile(plain))).toBeUndefined();
    });

    it("rejects a section that is not zlib JSON with PARSE", async () => {
      const { corrupt } = auditableBinary();
      await expect(offer(cargoAuditableAnalyzer, diskFile(corrupt))).rejects.toMatchObject({
        code: "PARSE",
        message: expect.stringMatching(/zlib/),
      });
      expect(() => auditablePackages({ nope: 1 }, "/x")).toThrow(/no packages array/);
      expect(() => auditablePackages({ packages: [{ name: "x" }] }, "/x")).toThrow(/without name or version/);
    });
  },
);
