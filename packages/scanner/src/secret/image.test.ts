import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../../../testkit/src/fixtures/images.js";
import {
  FAKE_AWS_ACCESS_KEY_ID,
  FAKE_AWS_SECRET_ACCESS_KEY,
  recipes,
} from "../../../testkit/src/fixtures/recipes.js";
import type { SecretFinding } from "../../../model/src/finding.js";
import { openImage } from "../../../image/src/open.js";
import type { Image } from "../../../model/src/image.js";
import type { ScanOptions } from "../../../model/src/scan-options.js";
import type { ImageScanInput, LayerAnalysis } from "../../../model/src/scan.js";
import { walkImage } from "../walker/walk.js";
import { secretScanner } from "./scanner.js";
import { fill, prng } from "./testutil/generate.js";

const run = promisify(execFile);
const cacheDir = join(tmpdir(), "bulwark-test-cache", "secret-image-scan");
const options: ScanOptions = { cacheDir, scanners: ["secret"] };

async function scan(image: Image): Promise<{ layers: LayerAnalysis[]; findings: SecretFinding[] }> {
  const layers = await walkImage(image, secretScanner.analyzers!(options), { cacheDir, noCache: true });
  const input: ImageScanInput = {
    image,
    inventory: { target: image.name, source: image.source, layers: [], packages: [], issues: [] },
    layers,
  };
  const result = await secretScanner.scanImage!(input, options);
  return { layers, findings: result.findings as SecretFinding[] };
}

describe("secrets in the `deletes` image (a layer adds /root/.aws/credentials, a later layer deletes it)", () => {
  let image: Image;
  let layers: LayerAnalysis[];
  let findings: SecretFinding[];
  beforeAll(async () => {
    const built = await buildImage(recipes.deletes);
    image = await openImage(built.ociRef, { cacheDir });
    ({ layers, findings } = await scan(image));
  });
  afterAll(async () => image?.close());

  it("finds both keys, in the layer that added them, removed in the layer that deleted them", () => {
    const creds = findings.filter((f) => f.file === "/root/.aws/credentials");
    expect(creds.map((f) => [f.id, f.line]).sort()).toEqual([
      ["aws-access-key-id", 2],
      ["aws-secret-access-key", 3],
    ]);
    for (const f of creds) {
      expect(f.layer).toBe(layers[2]!.digest);
      expect(f.removedIn).toBe(layers[4]!.digest);
      expect(f.layer).not.toBe(f.removedIn);
      expect(f.fingerprint).toMatch(/^[a-f0-9]{64}$/);
      expect(f.match).not.toContain(FAKE_AWS_ACCESS_KEY_ID);
      expect(f.match).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
    }
  });

  it("reports nothing else in a Debian base with curl and jq", () => {
    expect(findings.filter((f) => f.file !== "/root/.aws/credentials")).toEqual([]);
  });
});

/**
 * An image made with umoci for what the recipe builder does not cover: ENV and history
 * build arguments in the config, a file overwritten by a later layer, a Secret manifest.
 */
const layout = join(cacheDir, "umoci-layout");
const ref = `${layout}:secrets`;
const rand = prng(42);
const NPM_TOKEN = fill("npm_{A62:36}", rand);
const GITHUB_TOKEN = fill("ghp_{A62:36}", rand);
const STRIPE_KEY = fill("sk_live_{A62:32}", rand);

async function umoci(args: string[]): Promise<void> {
  await run("umoci", args);
}

async function buildUmociImage(): Promise<void> {
  await rm(layout, { recursive: true, force: true });
  await mkdir(dirname(layout), { recursive: true });
  await umoci(["init", "--layout", layout]);
  await umoci(["new", "--image", ref]);
  const b1 = join(cacheDir, "bundle1");
  await rm(b1, { recursive: true, force: true });
  await umoci(["unpack", "--rootless", "--image", ref, b1]);
  await mkdir(join(b1, "rootfs/app"), { recursive: true });
  await writeFile(join(b1, "rootfs/app/config.env"), `LOG_LEVEL=info\nSTRIPE_KEY=${STRIPE_KEY}\n`);
  const secret = Buffer.from(GITHUB_TOKEN).toString("base64");
  await writeFile(
    join(b1, "rootfs/app/secret.yaml"),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ndata:\n  token: ${secret}\n`,
  );
  await umoci([
    "repack",
    "--image",
    ref,
    "--history.created_by",
    `RUN |1 NPM_TOKEN=${NPM_TOKEN} /bin/sh -c npm ci`,
    b1,
  ]);
  const b2 = join(cacheDir, "bundle2");
  await rm(b2, { recursive: true, force: true });
  await umoci(["unpack", "--rootless", "--image", ref, b2]);
  await writeFile(join(b2, "rootfs/app/config.env"), "LOG_LEVEL=info\nSTRIPE_KEY=${STRIPE_KEY}\n");
  await umoci(["repack", "--image", ref, "--history.created_by", "COPY config.env /app/config.env", b2]);
  await umoci(["config", "--image", ref, "--config.env", `GITHUB_TOKEN=${GITHUB_TOKEN}`]);
  await rm(b1, { recursive: true, force: true });
  await rm(b2, { recursive: true, force: true });
}

describe("secrets in an umoci-built image: overwritten file, Secret manifest, ENV, history", () => {
  let image: Image;
  let layers: LayerAnalysis[];
  let findings: SecretFinding[];
  beforeAll(async () => {
    await buildUmociImage();
    image = await openImage(`oci:${ref}`, { cacheDir });
    ({ layers, findings } = await scan(image));
  });
  afterAll(async () => image?.close());

  const rows = (): unknown[] => findings.map((f) => [f.id, f.file, f.line, f.layer, f.removedIn]).sort();

  it("reports the overwritten file's secret in layer 1 as removed in layer 2", () => {
    expect(rows()).toContainEqual([
      "stripe-live-secret-key",
      "/app/config.env",
      2,
      layers[0]!.digest,
      layers[1]!.digest,
    ]);
  });

  it("decodes the Secret's data and reports the literal Secret itself", () => {
    const yaml = findings.filter((f) => f.file === "/app/secret.yaml").map((f) => [f.id, f.line]);
    expect(yaml.sort()).toEqual([
      ["github-pat", 6],
      ["kubernetes-secret-literal", 6],
    ]);
  });

  it("reads ENV and history created_by lines (build arguments)", () => {
    const config = findings
      .filter((f) => f.file.startsWith("image-config:"))
      .map((f) => [f.id, f.file, f.line]);
    expect(config).toEqual(
      expect.arrayContaining([
        ["github-pat", "image-config:Env", expect.any(Number)],
        ["npm-access-token", "image-config:history", expect.any(Number)],
      ]),
    );
    const history = findings.find((f) => f.id === "npm-access-token")!;
    expect(history.layer).toBe(layers[0]!.digest);
    for (const f of findings)
      for (const s of [NPM_TOKEN, GITHUB_TOKEN, STRIPE_KEY]) expect(f.match).not.toContain(s);
  });
});
