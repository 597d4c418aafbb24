import {
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  type Dirent,
  type Stats,
} from "node:fs";
import { join } from "node:path";
import { type Analyzer, errorMessage } from "@bulwark/model";
import { interested, offerFile, SharedContent, type FileMeta } from "./offer.js";
import { joinPath } from "./paths.js";
import type { LayerContent } from "./tarlayer.js";

const LABEL = "rootfs";

/**
 * lstat of every entry of one directory. These syscalls dominate a rootfs walk, and on a
 * local disk the synchronous calls are several times faster than queueing each one on
 * libuv's small thread pool (measured on the nodeModules test image).
 */
function statAll(root: string, dir: string, entries: Dirent[]): Array<Stats | Error> {
  return entries.map((e) => {
    try {
      return lstatSync(join(root, dir, e.name));
    } catch (err) {
      return err as Error;
    }
  });
}

/**
 * Walk an unpacked root filesystem as one pseudo-layer. lstat only, so symlinks are
 * never followed and the walk cannot leave `root`; like `find -xdev` it stays on the
 * root's filesystem (no /proc or bind mounts of a live system).
 */
export async function walkRootfs(root: string, analyzers: readonly Analyzer[]): Promise<LayerContent> {
  const out: LayerContent = { results: [], whiteouts: [], opaqueDirs: [], paths: [], issues: [] };
  const rootDev = lstatSync(root).dev;
  const pending: string[] = ["/"];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (e) {
      out.issues.push({ path: dir, code: "IO", message: `cannot list: ${errorMessage(e)}`, layer: LABEL });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const stats = statAll(root, dir, entries);
    for (const [i, entry] of entries.entries()) {
      const path = joinPath(dir, entry.name);
      const st = stats[i] as Stats | Error;
      if (st instanceof Error) {
        out.issues.push({ path, code: "IO", message: errorMessage(st), layer: LABEL });
        continue;
      }
      out.paths.push(path);
      if (st.isDirectory()) {
        if (st.dev === rootDev) pending.push(path);
      } else if (st.isFile()) {
        await offer(root, path, st, analyzers, out);
      }
    }
  }
  return out;
}

async function offer(
  root: string,
  path: string,
  st: Stats,
  analyzers: readonly Analyzer[],
  out: LayerContent,
): Promise<void> {
  const meta: FileMeta = { size: st.size, mode: st.mode, uid: st.uid, gid: st.gid };
  const wanting = interested(analyzers, path, meta);
  if (wanting.length === 0) return;
  const onDisk = join(root, path);
  const ranges = new RangeReader(onDisk, st.size);
  const content = new SharedContent(
    async () => readFileSync(onDisk),
    async (offset, length) => ranges.read(offset, length),
  );
  try {
    await offerFile(wanting, path, meta, content, LABEL, out);
  } catch (e) {
    // An unreadable file on disk is that file's problem, not the scan's.
    out.issues.push({ path, code: "IO", message: errorMessage(e), layer: LABEL });
  } finally {
    ranges.close();
  }
}

/** Parts of one file, through one descriptor opened on first use (an executable's headers take several reads). */
class RangeReader {
  private fd: number | undefined;

  constructor(
    private readonly path: string,
    private readonly size: number,
  ) {}

  /** `length` bytes at `offset` (fewer at the end of the file), without reading the rest. */
  read(offset: number, length: number): Buffer {
    this.fd ??= openSync(this.path, "r");
    // Lengths come from headers inside the file: never allocate past its end.
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    return buf.subarray(0, readSync(this.fd, buf, 0, buf.length, offset));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
