import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { BulwarkError, errorMessage } from "@bulwark/model";

/** Configuration files above this size are reported per file and not read. */
export const MAX_CONFIG_FILE = 8 * 1024 * 1024;

export type ConfigFileType = "dockerfile" | "yaml" | "json";

export interface ConfigFile {
  /** Path on disk. */
  path: string;
  /** Path shown in findings: relative to the scanned directory (POSIX separators). */
  display: string;
  type: ConfigFileType;
  size: number;
}

/** Directories of vendored or generated content skipped unless --include-noise. */
const NOISE_DIRS = new Set([".git", "node_modules", "vendor", ".terraform", "__pycache__", ".venv", ".tox"]);

export function classify(name: string): ConfigFileType | undefined {
  if (/\.dockerignore$/i.test(name)) return undefined;
  if (/^(dockerfile|containerfile)([._-].*)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name))
    return "dockerfile";
  if (/\.ya?ml$/i.test(name)) return "yaml";
  if (/\.json$/i.test(name)) return "json";
  return undefined;
}

export interface ConfigTree {
  files: ConfigFile[];
  /** Helm chart directories whose unrendered templates/ were skipped. */
  helmCharts: string[];
  /** Directories that could not be listed: reported, never skipped silently. */
  unreadable: Array<{ path: string; message: string }>;
}

/**
 * Lists the configuration files under `root` (or `root` itself when it is a file), in a
 * stable order. The templates/ directory of a Helm chart (a directory with Chart.yaml) is
 * Go template source, not YAML: it is skipped and the chart named, so users render it.
 */
export async function listConfigFiles(root: string, includeNoise = false): Promise<ConfigTree> {
  let info;
  try {
    info = await lstat(root);
  } catch {
    throw new BulwarkError("TARGET_NOT_FOUND", `${root}: no such file or directory`);
  }
  if (info.isFile()) {
    const file = { path: root, display: root, type: classify(basename(root)) ?? "yaml", size: info.size };
    return { files: [file], helmCharts: [], unreadable: [] };
  }
  if (!info.isDirectory()) throw new BulwarkError("TARGET_UNKNOWN", `${root}: not a file or directory`);
  const out: ConfigFile[] = [];
  const helmCharts: string[] = [];
  const unreadable: ConfigTree["unreadable"] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      unreadable.push({
        path: relative(root, dir).split(sep).join("/") || ".",
        message: `cannot list directory: ${errorMessage(e)}`,
      });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    const isChart = entries.some((e) => e.isFile() && e.name === "Chart.yaml");
    if (isChart) helmCharts.push(relative(root, dir).split(sep).join("/") || ".");
    for (const e of entries) {
      const p = join(dir, e.name);
      if (isChart && e.isDirectory() && e.name === "templates") continue;
      // Symlinks are not followed: they can loop or point outside the scanned tree.
      if (e.isDirectory()) {
        if (includeNoise || !NOISE_DIRS.has(e.name)) stack.push(p);
      } else if (e.isFile()) {
        const type = classify(e.name);
        if (type) out.push({ path: p, display: relative(root, p).split(sep).join("/"), type, size: 0 });
      }
    }
  }
  out.sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  return { files: out, helmCharts: helmCharts.sort(), unreadable };
}

/**
 * Reads a file with the size cap; rejects binary content (NUL bytes). Synchronous on
 * purpose: files are read one at a time, and a thread-pool round trip per small manifest
 * costs more than the read itself.
 */
export function readConfigText(file: ConfigFile): string {
  const fd = openSync(file.path, "r");
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_CONFIG_FILE)
      throw new BulwarkError(
        "FILE_TOO_LARGE",
        `${size} bytes is over the ${MAX_CONFIG_FILE}-byte limit for configuration files`,
      );
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    const data = buf.subarray(0, off);
    if (data.subarray(0, 8192).includes(0))
      throw new BulwarkError("PARSE", "binary content (NUL bytes), not a text configuration file");
    return data.toString("utf8");
  } finally {
    closeSync(fd);
  }
}
