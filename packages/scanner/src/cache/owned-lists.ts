import { BulwarkError, type LayerAnalysis, type OwnedFiles } from "@bulwark/model";
import { asciiJson, parseStringArray } from "./json.js";

/**
 * The OS packages' owned-file lists of a cached layer live outside its head. A full Debian
 * layer lists ~30,000 files (1.5 MB of its 1.6 MB head), and a warm scan needs them only to
 * ask whether a handful of language-package paths belong to an OS package. The head keeps,
 * per list, where its text lies in the cache file's third line and the sorted hashes of its
 * files. `has(path)` looks the path's hash up and, on a hit, finds the path's JSON text in the
 * list's bytes, read from the file then; `files` is parsed only when read.
 */

type Result = LayerAnalysis["results"][number];

/** How the head stores one list. */
interface PackedList {
  owner: string;
  /** Byte range of the list's JSON array in the owned-lists line. */
  listAt: [number, number];
  /** `pathHash` of each file, sorted, as little-endian 32-bit words in base64. */
  fileHashes: string;
}

/** The owned-lists line of a cache file, read by byte range when a list is first asked. */
export interface ListSection {
  length: number;
  read(start: number, end: number): Buffer;
}

/** The results with their lists replaced by references into `section`, the owned-lists line. */
export function packOwnedLists(results: Result[]): { results: unknown[]; section: string } {
  const texts: string[] = [];
  let at = 1; // after the section's "["
  const pack = (list: OwnedFiles): PackedList => {
    const text = asciiJson(list.files);
    const listAt: [number, number] = [at, at + text.length];
    texts.push(text);
    at += text.length + 1; // and its ","
    const hashes = Uint32Array.from(list.files, pathHash).sort();
    return { owner: list.owner, listAt, fileHashes: Buffer.from(hashes.buffer).toString("base64") };
  };
  const packed = results.map((r) => {
    const { ownedFiles, ownedFileSets, ...rest } = r.output;
    if (!ownedFiles && !ownedFileSets) return r;
    const output: Record<string, unknown> = { ...rest };
    if (ownedFiles) output.ownedFiles = pack(ownedFiles);
    if (ownedFileSets) output.ownedFileSets = ownedFileSets.map(pack);
    return { ...r, output };
  });
  return { results: packed, section: `[${texts.join(",")}]` };
}

/**
 * Replace the head's list references with lists parsed on first read, in place. False when a
 * reference is out of shape or out of the section: the file is not one we wrote, a miss.
 */
export function unpackOwnedLists(results: Result[], section: ListSection, file: string): boolean {
  // Every list of the layer is asked about the same few paths: hash each once.
  const known = new Map<string, number>();
  const hashOf = (path: string) => known.get(path) ?? known.set(path, pathHash(path)).get(path)!;
  const unpack = (value: unknown): OwnedFiles | undefined =>
    isPacked(value, section) ? lazyList(value, section, file, hashOf) : undefined;
  for (const r of results) {
    const output = r.output as Record<string, unknown> | null;
    if (typeof output !== "object" || output === null) return false;
    if (output.ownedFiles !== undefined) {
      const list = unpack(output.ownedFiles);
      if (!list) return false;
      output.ownedFiles = list;
    }
    if (output.ownedFileSets !== undefined) {
      if (!Array.isArray(output.ownedFileSets)) return false;
      const lists = output.ownedFileSets.map(unpack);
      if (!lists.every((l) => l !== undefined)) return false;
      output.ownedFileSets = lists;
    }
  }
  return true;
}

function isPacked(value: unknown, section: ListSection): value is PackedList {
  const v = value as Partial<PackedList> | null;
  if (!v || typeof v.owner !== "string" || typeof v.fileHashes !== "string") return false;
  const [start, end] = Array.isArray(v.listAt) ? v.listAt : [];
  return (
    Number.isSafeInteger(start) &&
    Number.isSafeInteger(end) &&
    start! >= 0 &&
    end! <= section.length &&
    start! < end!
  );
}

function lazyList(
  packed: PackedList,
  section: ListSection,
  file: string,
  hashOf: (path: string) => number,
): OwnedFiles {
  const bytes = Buffer.from(packed.fileHashes, "base64");
  // Copied into an aligned buffer: a decoded Buffer may sit at any offset of Node's pool.
  const end = bytes.byteOffset + bytes.length - (bytes.length % 4);
  const hashes = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, end));
  let listBytes: Buffer | undefined;
  const text = () => (listBytes ??= listText(section, packed.listAt, file));
  let files: string[] | undefined;
  const list = { owner: packed.owner } as OwnedFiles;
  // Not enumerable: a way to ask the list, not part of what the analyzer found.
  Object.defineProperty(list, "has", {
    value: (path: string) =>
      path.startsWith("/")
        ? holdsHash(hashes, hashOf(path)) && holdsText(text(), path)
        : list.files.includes(path),
  });
  return Object.defineProperty(list, "files", {
    enumerable: true,
    configurable: true,
    get: () => (files ??= parseStringArray(text(), file, "an owned-file list")),
  });
}

/** One list's JSON text. Its range was only checked against the line's length when the head was read. */
function listText(section: ListSection, [start, end]: [number, number], file: string): Buffer {
  const text = section.read(start, end);
  if (text[0] !== 0x5b || text[text.length - 1] !== 0x5d)
    throw new BulwarkError(
      "IO",
      `layer cache ${file} is damaged (an owned-file list); delete it and scan again`,
    );
  return text;
}

/** FNV-1a over the path's UTF-16 code units. */
function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function holdsHash(sorted: Uint32Array, hash: number): boolean {
  // Plain variables: array destructuring runs the iterator protocol while the code is cold.
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < hash) lo = mid + 1;
    else if (sorted[mid]! > hash) hi = mid - 1;
    else return true;
  }
  return false;
}

/**
 * Whether the compact JSON array `text` holds the string `path`. An occurrence of the path's
 * JSON text is an element when a "[" or "," comes before it and a "," or "]" after: inside a
 * string every quote is escaped, so the needle, which starts with a quote and a "/", cannot
 * start inside one. Hence absolute paths only (`has` parses the list for others).
 */
export function holdsText(text: Buffer, path: string): boolean {
  const needle = Buffer.from(asciiJson(path), "latin1");
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const [before, after] = [text[at - 1], text[at + needle.length]];
    if ((before === 0x5b || before === 0x2c) && (after === 0x2c || after === 0x5d)) return true;
  }
  return false;
}
