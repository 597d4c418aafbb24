import { lstat, opendir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Analyzer } from "../analyzer/types.js";
import { errorMessage } from "../errors.js";
import { interested, offerFile, SharedContent, type FileMeta } from "./offer.js";
import { joinPath } from "./paths.js";
import type { LayerContent } from "./tarlayer.js";

const LABEL = "rootfs";

/**
 * Walk an unpacked root filesystem as one pseudo-layer. lstat only, so symlinks are
 * never followed and the walk cannot leave `root`; like `find -xdev` it stays on the
 * root's filesystem (no /proc or bind mounts of a live system).
 */
export async function walkRootfs(root: string, analyzers: Analyzer[]): Promise<LayerContent> {
  const out: LayerContent = { results: [], whiteouts: [], opaqueDirs: [], paths: [], issues: [] };
  const rootDev = (await lstat(root)).dev;
  const pending: string[] = ["/"];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let handle;
    try {
      handle = await opendir(join(root, dir));
    } catch (e) {
      out.issues.push({ path: dir, code: "IO", message: `cannot list: ${errorMessage(e)}`, layer: LABEL });
      continue;
    }
    const names: string[] = [];
    for await (const d of handle) names.push(d.name);
    names.sort();
    for (const name of names) await visit(root, joinPath(dir, name), rootDev, analyzers, out, pending);
  }
  return out;
}

async function visit(
  root: string,
  path: string,
  rootDev: number,
  analyzers: Analyzer[],
  out: LayerContent,
  pending: string[],
): Promise<void> {
  const abs = join(root, path);
  let st;
  try {
    st = await lstat(abs);
  } catch (e) {
    out.issues.push({ path, code: "IO", message: errorMessage(e), layer: LABEL });
    return;
  }
  out.paths.push(path);
  if (st.isDirectory()) {
    if (st.dev === rootDev) pending.push(path);
    return;
  }
  if (!st.isFile()) return;
  const meta: FileMeta = { size: st.size, mode: st.mode, uid: st.uid, gid: st.gid };
  const wanting = interested(analyzers, path, meta);
  if (wanting.length === 0) return;
  const content = new SharedContent(() => readFile(abs));
  try {
    await offerFile(wanting, path, meta, content, LABEL, out);
  } catch (e) {
    // An unreadable file on disk is that file's problem, not the scan's.
    out.issues.push({ path, code: "IO", message: errorMessage(e), layer: LABEL });
  }
}
