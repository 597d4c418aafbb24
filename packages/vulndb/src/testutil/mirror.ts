/**
 * Test helpers for the vulnerability database: the real mirror at ../shared/vulndb,
 * sources built from it with the real `zip`/`unzip` tools, a static HTTP server on
 * 127.0.0.1.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const MIRROR = resolve(repoRoot, "../shared/vulndb");
export const MIRROR_PRESENT = existsSync(join(MIRROR, "osv"));
export const SKIP_REASON = `the vulnerability mirror ${MIRROR} is absent`;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `bulwark-vulndb-${prefix}-`));
}

export function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Names of the `.json` entries in a zip, listed by Info-ZIP's unzip (independent of yauzl). */
export function zipJsonNames(zip: string): string[] {
  return execFileSync("unzip", ["-Z1", zip], { encoding: "utf8", maxBuffer: 64 << 20 })
    .split("\n")
    .filter((n) => n.endsWith(".json"));
}

/** Extracts a zip with unzip into a fresh directory. */
export function unzipTo(zip: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync("unzip", ["-q", "-o", zip, "-d", dir]);
  return dir;
}

/** Zips every file of `dir` (flat) into `zip` with Info-ZIP's zip. */
export function zipDir(dir: string, zip: string): void {
  mkdirSync(dirname(zip), { recursive: true });
  rmSync(zip, { force: true });
  execFileSync("zip", ["-q", "-r", "-j", zip, "."], { cwd: dir });
}

/** A source directory holding copies of the mirror's chosen ecosystems (and KEV). */
export function copyMirror(ecosystems: string[], withKev = true): string {
  const root = tempDir("src");
  for (const eco of ecosystems) cpSync(join(MIRROR, "osv", eco), join(root, "osv", eco), { recursive: true });
  if (withKev) cpSync(join(MIRROR, "kev"), join(root, "kev"), { recursive: true });
  return root;
}

/** Serves `root` read-only over HTTP on 127.0.0.1; 404 for anything missing. */
export async function serveDir(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = join(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-length": statSync(path).size });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** A TCP port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
