import { BulwarkError } from "@bulwark/model";

/**
 * Normalise a tar entry name to "/a/b". Absolute names and names whose ".." climbs
 * above the root are refused: no legitimate image builder writes them.
 */
export function normaliseEntryPath(name: string, layer: string): string {
  if (name.startsWith("/")) {
    throw new BulwarkError(
      "UNSAFE_PATH",
      `layer ${layer}: entry ${JSON.stringify(name)} has an absolute path`,
    );
  }
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) {
        throw new BulwarkError(
          "UNSAFE_PATH",
          `layer ${layer}: entry ${JSON.stringify(name)} climbs out of the image root`,
        );
      }
      parts.pop();
    } else parts.push(part);
  }
  return "/" + parts.join("/");
}

export function parentDir(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** "/a" + "b" → "/a/b", "/" + "b" → "/b". */
export function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/**
 * Where a symlink at `linkPath` points, as an absolute path inside the image. Absolute
 * targets are taken relative to the image root; a relative target whose ".." would
 * climb above the root is refused (UNSAFE_PATH).
 */
export function resolveSymlinkTarget(linkPath: string, target: string, layer: string): string {
  const base = target.startsWith("/") ? [] : parentDir(linkPath).split("/").filter(Boolean);
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (base.length === 0) {
        if (target.startsWith("/")) continue; // "/.." is "/" inside a root, as in the kernel
        throw new BulwarkError(
          "UNSAFE_PATH",
          `layer ${layer}: symlink ${linkPath} -> ${target} points outside the image root`,
        );
      }
      base.pop();
    } else base.push(part);
  }
  return "/" + base.join("/");
}

export type Whiteout =
  | { kind: "whiteout"; path: string }
  | { kind: "opaque"; dir: string }
  /** Other AUFS bookkeeping (".wh..wh.plnk" etc.): neither a file nor a deletion. */
  | { kind: "aufs-meta" };

/** OCI/AUFS whiteout markers: ".wh.NAME" deletes NAME; ".wh..wh..opq" hides the lower dir's contents. */
export function whiteoutOf(path: string): Whiteout | undefined {
  const name = baseName(path);
  if (!name.startsWith(".wh.")) return undefined;
  const dir = parentDir(path);
  if (name === ".wh..wh..opq") return { kind: "opaque", dir };
  if (name.startsWith(".wh..wh.")) return { kind: "aufs-meta" };
  return { kind: "whiteout", path: joinPath(dir, name.slice(4)) };
}
