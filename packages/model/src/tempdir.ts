import { mkdirSync, readdirSync, rmSync, statfsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { limit } from "./limits.js";

/** Temp dirs are named `<prefix>-<pid>-<random>` so a later run can tell whose they are. */
const OWNED = /^[a-z]+-(\d+)-/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove what killed runs left under `<cacheDir>/tmp` (their process is gone), so a
 * run killed mid-decompression does not leave a multi-gigabyte copy behind for good.
 */
export function sweepStaleTemp(cacheDir: string): string[] {
  const root = join(cacheDir, "tmp");
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(OWNED.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** A fresh private temp dir under the cache dir, after sweeping stale ones. */
export async function makeTempDir(cacheDir: string, prefix: string): Promise<string> {
  sweepStaleTemp(cacheDir);
  const root = join(cacheDir, "tmp");
  mkdirSync(root, { recursive: true });
  return mkdtemp(join(root, `${prefix}-${process.pid}-`));
}

/**
 * How many bytes may be spooled into `dir`: the configured bound (SPOOL_BYTES), and never
 * more than the free space less a 1 GiB margin, so a spool cannot fill the disk.
 */
export function spoolBudget(dir: string): number {
  const configured = limit("SPOOL_BYTES");
  try {
    const fs = statfsSync(dir);
    return Math.max(0, Math.min(configured, fs.bavail * fs.bsize - 1024 ** 3));
  } catch {
    return configured;
  }
}
