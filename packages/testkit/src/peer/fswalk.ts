/**
 * An independent inventory of npm and Python packages: a plain recursive walk of an
 * unpacked root filesystem, written here without any Bulwark code, to check the catalogers.
 */
import { readFile, readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface WalkedPackage {
  type: "npm" | "pypi";
  name: string;
  version: string;
  /** Absolute path inside the image of the file that declares the package. */
  path: string;
}

const SKIP = new Set(["/proc", "/sys", "/dev"]);

async function* files(root: string, rel = ""): AsyncGenerator<string> {
  const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = `${rel}/${e.name}`;
    if (e.isDirectory() && !SKIP.has(path)) yield* files(root, path);
    else if (e.isFile()) yield path;
  }
}

/** True for …/node_modules/NAME/package.json and …/node_modules/@SCOPE/NAME/package.json. */
function isNpmManifest(path: string): boolean {
  if (basename(path) !== "package.json") return false;
  const pkgDir = dirname(path);
  const parent = dirname(pkgDir);
  if (basename(parent) === "node_modules") return true;
  return basename(parent).startsWith("@") && basename(dirname(parent)) === "node_modules";
}

function isPythonMetadata(path: string): boolean {
  const dir = basename(dirname(path));
  return (
    (dir.endsWith(".dist-info") && basename(path) === "METADATA") ||
    (dir.endsWith(".egg-info") && basename(path) === "PKG-INFO") ||
    (path.endsWith(".egg-info") && !dir.endsWith(".egg-info"))
  );
}

function header(text: string, key: string): string | undefined {
  const m = new RegExp(`^${key}:[ \\t]*(.*)$`, "m").exec(text.split(/\r?\n\r?\n/)[0] ?? "");
  return m?.[1]?.trim();
}

/** Every path listed in dpkg's info/*.list files: language packages there belong to dpkg. */
export async function dpkgOwnedPaths(root: string): Promise<Set<string>> {
  const info = join(root, "var/lib/dpkg/info");
  const owned = new Set<string>();
  for (const name of await readdir(info).catch(() => [] as string[])) {
    if (!name.endsWith(".list")) continue;
    for (const line of (await readFile(join(info, name), "utf8")).split("\n")) if (line) owned.add(line);
  }
  return owned;
}

export async function walkLanguagePackages(root: string): Promise<WalkedPackage[]> {
  const owned = await dpkgOwnedPaths(root);
  const result: WalkedPackage[] = [];
  for await (const path of files(root)) {
    if (owned.has(path)) continue;
    if (isNpmManifest(path)) {
      const json = JSON.parse(await readFile(join(root, path), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (typeof json.name === "string" && typeof json.version === "string" && json.name && json.version)
        result.push({ type: "npm", name: json.name, version: json.version, path });
    } else if (isPythonMetadata(path)) {
      const text = await readFile(join(root, path), "utf8");
      const name = header(text, "Name");
      const version = header(text, "Version");
      if (name && version) result.push({ type: "pypi", name, version, path });
    }
  }
  return result;
}
