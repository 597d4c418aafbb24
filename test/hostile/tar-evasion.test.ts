import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Inventory } from "../../packages/model/src/package.js";
import { runHostile } from "./harness.js";

// Issue 11, defect 2 through the real CLI: a docker-archive whose layer member's size is given
// by a PAX `size=` over a lying ustar field, and whose dpkg status hides behind PAX `path=`.
// GNU tar is the reference: Bulwark must see the tree it sees.
const python = spawnSync("python3", ["--version"]).status === 0;
const work = mkdtempSync(join(tmpdir(), "bulwark-hostile-tar-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!python)(
  `tar semantics a runtime honours${python ? "" : " (skipped: needs python3)"}`,
  () => {
    it("reads the layer and the file PAX headers name, as GNU tar does", () => {
      const archive = join(work, "evasion.tar");
      execFileSync("python3", [join(import.meta.dirname, "testdata", "tar-evasion.py"), archive]);
      // GNU tar: the layer member is 10240 bytes (PAX size=) and holds the real status path.
      expect(execFileSync("tar", ["-tvf", archive], { encoding: "utf8" })).toMatch(/ 10240 .* layer\.tar\n/);
      const layer = execFileSync("tar", ["-xOf", archive, "layer.tar"]);
      const gnuTree = execFileSync("tar", ["-t"], { input: layer, encoding: "utf8" }).trim().split("\n");
      expect(gnuTree).toEqual(["etc/os-release", "var/lib/dpkg/status"]);

      const run = runHostile(["sbom", `docker-archive:${archive}`, "--format", "json"], join(work, "cache"));
      expect(run.code).toBe(0);
      const inv = JSON.parse(run.stdout) as Inventory;
      expect(inv.packages.map((p) => [p.name, p.version, p.locations[0]?.path])).toEqual([
        ["evil-hidden", "1.0-1", "/var/lib/dpkg/status"],
      ]);
      expect(inv.issues).toEqual([]);
      expect(run.strayFiles).toEqual([]);
    });
  },
);
