// `bulwark sbom` as users run it: the CLI in a child process on a real image (minbase),
// reports on stdout or --output, logs on stderr, exit code 2 and one line for bad input.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, type BuiltImage } from "../../testkit/src/fixtures/images.js";
import { recipes } from "../../testkit/src/fixtures/recipes.js";
import type { Inventory } from "../../model/src/package.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function bulwark(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(repo, "packages/cli/src/bin.ts"), ...args],
      {
        cwd: repo,
        env,
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

let img: BuiltImage;
let deletes: BuiltImage;
let work: string;
let cache: string;
beforeAll(async () => {
  img = await buildImage(recipes.minbase);
  deletes = await buildImage(recipes.deletes);
  work = await mkdtemp(join(tmpdir(), "bulwark-sbom-cli-"));
  cache = join(work, "cache");
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("bulwark sbom", () => {
  it("prints the inventory as JSON on stdout and logs on stderr", async () => {
    const r = await bulwark(["--cache-dir", cache, "sbom", img.ociRef, "--format", "json"]);
    expect(r.code).toBe(0);
    const inv = JSON.parse(r.stdout) as Inventory;
    expect(inv.os?.family).toBe("debian");
    expect(inv.packages.some((p) => p.name === "dpkg" && p.type === "deb")).toBe(true);
    expect(r.stderr).toContain("cataloguing");
  });

  it("writes CycloneDX to --output from a docker archive, the same packages as from the OCI layout", async () => {
    const out = join(work, "sbom.cdx.json");
    const archive = await img.dockerArchive();
    const r = await bulwark([
      "--cache-dir",
      cache,
      "sbom",
      `docker-archive:${archive}`,
      "-f",
      "cyclonedx-json",
      "-o",
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const bom = JSON.parse(await readFile(out, "utf8")) as {
      components: Array<{ type: string; purl?: string }>;
    };
    const fromArchive = bom.components.filter((c) => c.type === "library").map((c) => c.purl);
    const viaOci = JSON.parse(
      (await bulwark(["--cache-dir", cache, "sbom", img.ociRef, "-f", "json"])).stdout,
    ) as Inventory;
    expect(fromArchive.sort()).toEqual(viaOci.packages.map((p) => p.purl).sort());
    expect((await readdir(work)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects an unknown format with one line and exit code 2, writing nothing", async () => {
    const out = join(work, "never.json");
    const r = await bulwark(["--cache-dir", cache, "sbom", img.ociRef, "--format", "xml", "--output", out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining('unknown SBOM format "xml"')]);
    expect(await readFile(out).catch(() => "absent")).toBe("absent");
  });

  it("fails on an unknown target with exit code 2 and leaves an existing output file intact", async () => {
    const out = join(work, "keep.json");
    await writeFile(out, "previous report\n");
    const r = await bulwark([
      "--cache-dir",
      cache,
      "sbom",
      join(work, "no-such-image.tar"),
      "-f",
      "json",
      "-o",
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(await readFile(out, "utf8")).toBe("previous report\n");
  });

  it("fails cleanly when the output directory does not exist", async () => {
    const r = await bulwark([
      "--cache-dir",
      cache,
      "sbom",
      img.ociRef,
      "-f",
      "json",
      "-o",
      join(work, "no/dir/x.json"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: IO: cannot write/m);
  });
});

// A layer-cache file is two lines: the analysis, then the JSON array of the layer's paths,
// parsed only when a layer above asks about a path. A list damaged inside its brackets used
// to be found at that moment and failed the scan (exit 2); it is a cache miss now.
describe("bulwark sbom with a damaged layer cache", () => {
  it("walks the damaged layers again and prints the same SBOM byte for byte", async () => {
    const dir = join(work, "damaged-cache");
    const layers = join(dir, "layers");
    const env = { ...process.env, SOURCE_DATE_EPOCH: "1700000000" };
    const args = ["--cache-dir", dir, "sbom", deletes.ociRef, "-f", "json"];
    const first = await bulwark(args, env);
    expect(first.code).toBe(0);
    const files = await readdir(layers);
    expect(files.length).toBeGreaterThan(1); // a layer with layers above it: its paths are read
    for (const name of files) {
      const text = await readFile(join(layers, name), "latin1");
      const tail = text.indexOf("\n") + 1;
      const mid = tail + Math.floor((text.length - tail) / 2);
      // A control byte is invalid JSON inside a string and outside one: the brackets stay.
      await writeFile(join(layers, name), `${text.slice(0, mid)}\u0001${text.slice(mid + 1)}`, "latin1");
    }
    const again = await bulwark(args, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr.match(/: analysing/g)).toHaveLength(files.length);
    // Rewritten: the third scan is served from the cache.
    const third = await bulwark(args, env);
    expect(third.code).toBe(0);
    expect(third.stdout).toBe(first.stdout);
    expect(third.stderr).not.toMatch(/: analysing/);
    expect(third.stderr.match(/: cached/g)).toHaveLength(files.length);
  });
});
