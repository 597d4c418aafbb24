import { execFile } from "node:child_process";
import { chmod, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MisconfigFinding } from "../../../../model/src/finding.js";
import { openImage } from "../../../../image/src/open.js";
import type { Image } from "../../../../model/src/image.js";
import type { LayerAnalysis } from "../../../../model/src/scan.js";
import { walkImage } from "../../walker/walk.js";
import { misconfigFsAnalyzer } from "./fs-analyzer.js";
import { finalFacts } from "./fs-rules.js";
import { scanImageMisconfig } from "./scan.js";

const run = promisify(execFile);
const umoci = (args: string[]) => run("umoci", args, { maxBuffer: 16 << 20 });
// Bump the suffix when the recipe below changes.
const cache = join(tmpdir(), "bulwark-test-cache", "misconfig-image-v1");
const layout = join(cache, "layout");
const ref = `${layout}:insecure`;

async function put(root: string, path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
  await chmod(join(root, path), mode);
}

/**
 * A real OCI image built with umoci: layer 1 adds accounts, setuid binaries, a world-writable
 * file and sshd; layer 2 deletes one setuid binary (a whiteout) and clears the bit on another.
 */
async function buildInsecureImage(): Promise<void> {
  if (existsSync(join(layout, "index.json"))) return;
  await rm(cache, { recursive: true, force: true });
  await mkdir(cache, { recursive: true });
  await umoci(["init", "--layout", layout]);
  await umoci(["new", "--image", ref]);
  await umoci([
    "config",
    "--image",
    ref,
    "--os",
    "linux",
    "--architecture",
    "amd64",
    "--config.exposedports",
    "22/tcp",
    "--config.env",
    "API_TOKEN=tok-51c2e9a7b",
    "--config.env",
    "PATH=/usr/bin:/bin",
  ]);
  const b1 = join(cache, "b1");
  await umoci(["unpack", "--rootless", "--image", ref, b1]);
  const r1 = join(b1, "rootfs");
  await put(
    r1,
    "etc/passwd",
    "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
    0o644,
  );
  await put(
    r1,
    "etc/shadow",
    "root:*:19000:0:99999:7:::\ntoor:!:19000:0:99999:7:::\nguest::19000:0:99999:7:::\n",
    0o640,
  );
  await put(r1, "usr/bin/keeps-suid", "#!/bin/sh\n", 0o4755);
  await put(r1, "usr/bin/deleted-suid", "#!/bin/sh\n", 0o4755);
  await put(r1, "usr/bin/cleared-sgid", "#!/bin/sh\n", 0o2755);
  await put(r1, "opt/shared.conf", "x=1\n", 0o666);
  await put(r1, "usr/sbin/sshd", "\x7fELF", 0o755);
  await mkdir(join(r1, "scratch"), { recursive: true });
  await chmod(join(r1, "scratch"), 0o1777);
  await umoci([
    "repack",
    "--image",
    ref,
    "--history.created_by",
    "/bin/sh -c curl -fsSL https://get.example.com/setup | sh",
    b1,
  ]);
  const b2 = join(cache, "b2");
  await umoci(["unpack", "--rootless", "--image", ref, b2]);
  await rm(join(b2, "rootfs/usr/bin/deleted-suid"));
  await chmod(join(b2, "rootfs/usr/bin/cleared-sgid"), 0o755);
  await umoci(["repack", "--image", ref, "--history.created_by", "/bin/sh -c rm /usr/bin/deleted-suid", b2]);
  await rm(b1, { recursive: true, force: true });
  await rm(b2, { recursive: true, force: true });
  await umoci(["gc", "--layout", layout]);
}

let image: Image;
let layers: LayerAnalysis[];
const cacheDir = join(tmpdir(), "bulwark-test-cache", "misconfig-image-scan");
beforeAll(async () => {
  await buildInsecureImage();
  image = await openImage(`oci:${ref}`, { cacheDir });
  layers = await walkImage(image, [misconfigFsAnalyzer], { cacheDir, noCache: true });
});
afterAll(async () => {
  await image?.close();
});

describe("image misconfiguration on a real umoci-built image", () => {
  it("sees the whiteout and the cleared bit: only the final filesystem counts", async () => {
    expect((await stat(layout)).isDirectory()).toBe(true);
    const facts = finalFacts(layers);
    const setuid = facts.filter((f) => f.type === "setuid").map((f) => f.path);
    expect(setuid).toEqual(["/usr/bin/keeps-suid"]);
    // The walk itself saw all three in layer 1.
    const layer1 = layers[0]!.results
      .flatMap((r) => r.output.fsFacts ?? [])
      .filter((f) => f.type === "setuid");
    expect(layer1.map((f) => f.path).sort()).toEqual([
      "/usr/bin/cleared-sgid",
      "/usr/bin/deleted-suid",
      "/usr/bin/keeps-suid",
    ]);
  });

  it("reports config, history and filesystem checks with paths and lines", async () => {
    const r = await scanImageMisconfig(
      { image, inventory: { target: ref, source: "oci", layers: [], packages: [], issues: [] }, layers },
      { cacheDir, scanners: ["misconfig"] },
    );
    const rows = (r.findings as MisconfigFinding[]).map((f) => [f.id, f.file, f.line]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ["BW-IMG-001", "image-config", 1],
        ["BW-IMG-002", "image-config", 1],
        ["BW-IMG-003", "image-config", 1],
        ["BW-IMG-004", "image-config", 1],
        ["BW-IMG-010", "/usr/bin/keeps-suid", 1],
        ["BW-IMG-011", "/opt/shared.conf", 1],
        ["BW-IMG-012", "/usr/sbin/sshd", 1],
        ["BW-IMG-013", "/etc/shadow", 3],
        ["BW-IMG-014", "/etc/passwd", 2],
      ]),
    );
    const history = rows.filter((x) => x[0] === "BW-IMG-005");
    expect(history).toHaveLength(1);
    expect(history[0]![1]).toBe("image-history");
    expect(new Set(rows.map((x) => x[0]))).toEqual(
      new Set([
        "BW-IMG-001",
        "BW-IMG-002",
        "BW-IMG-003",
        "BW-IMG-004",
        "BW-IMG-005",
        "BW-IMG-010",
        "BW-IMG-011",
        "BW-IMG-012",
        "BW-IMG-013",
        "BW-IMG-014",
      ]),
    );
    // The sticky world-writable directory is by design and not reported.
    expect(rows.some((x) => x[1] === "/scratch")).toBe(false);
  });
});
