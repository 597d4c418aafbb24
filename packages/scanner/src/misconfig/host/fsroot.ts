import { lstat, readFile, readdir, readlink, stat } from "node:fs/promises";
import { join, posix } from "node:path";

/** Host files bigger than this are not configuration files; they are reported, not read. */
export const MAX_HOST_FILE = 4 * 1024 * 1024;

/**
 * Read-only access to a host's files under ROOT. Absolute symlinks are resolved inside
 * ROOT (so scanning a mounted node image never reads the scanning machine's files).
 */
export class HostRoot {
  constructor(readonly root: string) {}

  /** The real path on this machine for an absolute path on the host, or undefined if it does not exist. */
  async resolve(hostPath: string): Promise<string | undefined> {
    const parts = posix.normalize(hostPath).split("/").filter(Boolean);
    let resolved: string[] = [];
    for (let hops = 0, i = 0; i < parts.length; i++) {
      const candidate = [...resolved, parts[i]!];
      const real = join(this.root, ...candidate);
      let info;
      try {
        info = await lstat(real);
      } catch {
        return undefined;
      }
      if (info.isSymbolicLink()) {
        if (++hops > 40) return undefined;
        const target = await readlink(real);
        const base = target.startsWith("/") ? [] : resolved;
        const rest = parts.slice(i + 1);
        const next = posix
          .normalize(posix.join("/", ...base, target))
          .split("/")
          .filter(Boolean);
        parts.splice(0, parts.length, ...next, ...rest);
        resolved = [];
        i = -1;
        continue;
      }
      resolved = candidate;
    }
    return join(this.root, ...resolved);
  }

  async stat(
    hostPath: string,
  ): Promise<{ mode: number; uid: number; gid: number; size: number; real: string } | undefined> {
    const real = await this.resolve(hostPath);
    if (!real) return undefined;
    try {
      const s = await stat(real);
      return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, real };
    } catch {
      return undefined;
    }
  }

  /** Reads a text file; undefined when absent; throws on too-large or unreadable files. */
  async read(hostPath: string): Promise<string | undefined> {
    const s = await this.stat(hostPath);
    if (!s) return undefined;
    if (s.size > MAX_HOST_FILE) throw new Error(`larger than ${MAX_HOST_FILE} bytes`);
    return (await readFile(s.real)).toString("utf8");
  }

  /** Names in a host directory (empty when absent). */
  async list(hostDir: string): Promise<string[]> {
    const real = await this.resolve(hostDir);
    if (!real) return [];
    try {
      return (await readdir(real)).sort();
    } catch {
      return [];
    }
  }

  /** Expands a glob whose wildcards are in the last component only (sshd Include style). */
  async glob(pattern: string): Promise<string[]> {
    const dir = posix.dirname(pattern);
    const base = posix.basename(pattern);
    if (!/[*?[]/.test(base)) return (await this.stat(pattern)) ? [pattern] : [];
    const re = new RegExp(
      `^${base
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    return (await this.list(dir)).filter((n) => re.test(n)).map((n) => posix.join(dir, n));
  }

  /** Every regular file under a host directory (bounded depth and count). */
  async walk(hostDir: string, depth = 4, limit = 10_000): Promise<string[]> {
    const out: string[] = [];
    const visit = async (dir: string, d: number): Promise<void> => {
      for (const name of await this.list(dir)) {
        if (out.length >= limit) return;
        const p = posix.join(dir, name);
        const s = await this.stat(p);
        const real = await this.resolve(p);
        const l = real ? await lstat(real).catch(() => undefined) : undefined;
        if (!s || !l) continue;
        if (l.isDirectory() && d > 0) await visit(p, d - 1);
        else if (l.isFile()) out.push(p);
      }
    };
    await visit(hostDir, depth);
    return out;
  }
}
