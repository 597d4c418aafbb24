/**
 * Golden reports: the table, JSON, SARIF and CycloneDX outputs of `bulwark scan image` and the
 * CycloneDX/SPDX outputs of `bulwark sbom` for the test images, compared byte for byte with
 * test/golden/testdata/*.golden. Only `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites them.
 *
 * What is normalised, and why: the clock (faked to a fixed instant, since reports carry their
 * creation time), the random CycloneDX serial number, and the test-image cache root (it depends
 * on $TMPDIR), and digests (see normalise). Everything else — ordering, escaping, every field — must match exactly.
 * The images come from Debian's archive (test/fixtures/recipes.ts): if the archive publishes a
 * new version of a package in them, these files change; the failure then names the first
 * differing line and the fix is a reviewed UPDATE_GOLDEN=1 run.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../packages/cli/src/testutil/cli.js";
import { SHARED_VULNDB } from "../../packages/scanner/src/match/testutil/testdb.js";
import { updateVulnDb } from "../../packages/vulndb/src/update.js";
import { buildImage, testCacheRoot, type BuiltImage } from "../../packages/testkit/src/fixtures/images.js";
import { recipes } from "../../packages/testkit/src/fixtures/recipes.js";

const here = dirname(fileURLToPath(import.meta.url));
const goldenDir = join(here, "testdata");
const update = process.env.UPDATE_GOLDEN === "1";
const haveMirror = existsSync(join(SHARED_VULNDB, "osv"));
const FIXED_NOW = new Date("2026-01-02T03:04:05.000Z");
/** The shipped command (the launcher and the esbuild bundle `npm run build` writes). */
const LAUNCHER = join(here, "../../packages/cli/bin/bulwark.js");
const BUNDLE = join(here, "../../packages/cli/dist/bundle/bulwark.js");

/** Runs the shipped CLI as a user would, its report clock fixed through SOURCE_DATE_EPOCH. */
function runShipped(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(FIXED_NOW.getTime() / 1000) };
  return new Promise((done) => {
    execFile(process.execPath, [LAUNCHER, ...args], { env, maxBuffer: 256 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const cases: Array<{ image: keyof typeof recipes; file: string; args: string[] }> = [];
for (const image of ["nodeModules", "withGo"] as const) {
  for (const format of ["table", "json", "sarif", "cyclonedx-json"]) {
    const ext = format === "table" ? "txt" : "json";
    cases.push({
      image,
      file: `scan-${image}.${format}.${ext}`,
      args: ["scan", "image", "--format", format],
    });
  }
  for (const format of ["cyclonedx-json", "spdx-json", "table"]) {
    cases.push({
      image,
      file: `sbom-${image}.${format}.${format === "table" ? "txt" : "json"}`,
      args: ["sbom", "--format", format],
    });
  }
}

/**
 * Random identifiers (the UUIDs in CycloneDX serial numbers and SPDX namespaces) and image and
 * layer digests (the test-image builder stamps build times into layers, so a rebuilt image has new
 * digests) become numbered placeholders in order of first appearance: which findings share a
 * layer still shows.
 */
function normalise(text: string): string {
  const seen = new Map<string, string>();
  const placeholder = (kind: string) => (id: string) => {
    if (!seen.has(id)) seen.set(id, `<${kind}-${seen.size + 1}>`);
    return seen.get(id)!;
  };
  return (
    text
      .split(testCacheRoot())
      .join("<test-cache>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, placeholder("uuid"))
      .replace(/sha256:[0-9a-f]{64}/g, placeholder("digest"))
      // The SBOM table names a layer by its number and short digest.
      .replace(/(?<=#\d+ )[0-9a-f]{12}\b/g, placeholder("layer"))
  );
}

/** Names the first differing line, so a failure reads as a diff and not as two 1 MB strings. */
function firstDifference(want: string, got: string): string | undefined {
  const a = want.split("\n");
  const b = got.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  golden: ${a[i] ?? "<end>"}\n  now:    ${b[i] ?? "<end>"}`;
  }
  return undefined;
}

describe.skipIf(!haveMirror)("golden reports of the test images", () => {
  let cacheDir: string;
  const images = new Map<string, BuiltImage>();

  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), "bulwark-golden-"));
    await updateVulnDb({ cacheDir, source: SHARED_VULNDB });
    for (const name of new Set(cases.map((c) => c.image))) images.set(name, await buildImage(recipes[name]));
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  /** Compares one output with its golden file, or rewrites the file under UPDATE_GOLDEN=1. */
  function checkGolden(file: string, out: { stdout: string; stderr: string }, mayUpdate: boolean): void {
    expect(out.stderr).toBe("");
    const got = normalise(out.stdout);
    const path = join(goldenDir, `${file}.golden`);
    if (update && mayUpdate) {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(path, got);
      return;
    }
    expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden`).toBe(true);
    const want = readFileSync(path, "utf8");
    expect(firstDifference(want, got), `${file} differs from its golden file`).toBeUndefined();
  }

  it.each(cases)("$file", async ({ image, file, args }) => {
    const target = images.get(image)!.ociRef;
    vi.useFakeTimers({ toFake: ["Date"], now: FIXED_NOW });
    let out: Awaited<ReturnType<typeof runCli>>;
    try {
      out = await runCli(["--quiet", "--cache-dir", cacheDir, ...args, target]);
    } finally {
      vi.useRealTimers();
    }
    checkGolden(file, out, true);
  });

  // The bundle must not change a byte: same findings, same SBOMs as the sources.
  it.skipIf(!existsSync(BUNDLE)).each(cases)(
    "$file from the shipped bundle (needs `npm run build`)",
    async ({ image, file, args }) => {
      const out = await runShipped(["--quiet", "--cache-dir", cacheDir, ...args, images.get(image)!.ociRef]);
      expect(out.code).toBe(0);
      checkGolden(file, out, false);
    },
  );
});
