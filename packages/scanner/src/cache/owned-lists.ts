import { BulwarkError, type LayerAnalysis, type OwnedFiles } from "@bulwark/model";
import { asciiJson, parseStringArray } from "./json.js";

/**
 * The OS packages' owned-file lists of a cached layer live outside its head. A full Debian
 * layer lists ~30,000 files (1.5 MB of its 1.6 MB head), and a warm scan needs them only to
 * ask whether a handful of language-package paths belong to an OS package. The head keeps,
 * per list, where its text lies in the cache file's third line, and for the whole layer one
 * index: the sorted hashes of every listed file, each with the number of its list. `has(path)`
 * finds which lists hold the path's hash (once per path and layer, however many lists are
 * asked) and, on a hit, finds the path's JSON text in that list's bytes, read from the file
 * then; `files` is parsed only when read.
 */

type Result = LayerAnalysis["results"][number];

/** How the head stores one list. */
interface PackedList {
  owner: string;
  /** Its number in the layer's index. */
  ordinal: number;
  /** Byte range of the list's JSON array in the owned-lists line. */
  listAt: [number, number];
}

/** The layer's index, as little-endian 32-bit words in base64, sorted by hash, then list. */
export interface PackedIndex {
  hashes: string;
  lists: string;
}

/** The owned-lists line of a cache file, read by byte range when a list is first asked. */
export interface ListSection {
  length: number;
  read(start: number, end: number): Buffer;
}

/** Hash and list number in one float64, exact below 2^53: sorting the keys sorts both. */
const LIST_BITS = 2 ** 20;

/** The results with their lists replaced by references into `section`, the owned-lists line. */
export function packOwnedLists(results: Result[]): {
  results: unknown[];
  section: string;
  index: PackedIndex;
} {
  const texts: string[] = [];
  const keys: number[] = [];
  let at = 1; // after the section's "["
  const pack = (list: OwnedFiles): PackedList => {
    const ordinal = texts.length;
    if (ordinal >= LIST_BITS) throw new Error(`over ${LIST_BITS} owned-file lists in one layer`);
    const text = asciiJson(list.files);
    const listAt: [number, number] = [at, at + text.length];
    texts.push(text);
    at += text.length + 1; // and its ","
    for (const f of list.files) keys.push(pathHash(f) * LIST_BITS + ordinal);
    return { owner: list.owner, ordinal, listAt };
  };
  const packed = results.map((r) => {
    const { ownedFiles, ownedFileSets, ...rest } = r.output;
    if (!ownedFiles && !ownedFileSets) return r;
    const output: Record<string, unknown> = { ...rest };
    if (ownedFiles) output.ownedFiles = pack(ownedFiles);
    if (ownedFileSets) output.ownedFileSets = ownedFileSets.map(pack);
    return { ...r, output };
  });
  const sorted = Float64Array.from(keys).sort();
  const hashes = Uint32Array.from(sorted, (k) => Math.floor(k / LIST_BITS));
  const lists = Uint32Array.from(sorted, (k) => k % LIST_BITS);
  const base64 = (words: Uint32Array) => Buffer.from(words.buffer).toString("base64");
  return {
    results: packed,
    section: `[${texts.join(",")}]`,
    index: { hashes: base64(hashes), lists: base64(lists) },
  };
}

/**
 * Replace the head's list references with lists parsed on first read, in place. False when a
 * reference or the index is out of shape or out of the section: the file is not one we wrote, a miss.
 */
export function unpackOwnedLists(
  results: Result[],
  section: ListSection,
  packedIndex: unknown,
  file: string,
): boolean {
  const index = LayerIndex.unpack(packedIndex);
  if (!index) return false;
  const unpack = (value: unknown): OwnedFiles | undefined =>
    isPacked(value, section) ? lazyList(value, section, file, index) : undefined;
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
  if (!v || typeof v.owner !== "string") return false;
  if (!Number.isSafeInteger(v.ordinal) || v.ordinal! < 0 || v.ordinal! >= LIST_BITS) return false;
  const [start, end] = Array.isArray(v.listAt) ? v.listAt : [];
  return (
    Number.isSafeInteger(start) &&
    Number.isSafeInteger(end) &&
    start! >= 0 &&
    end! <= section.length &&
    start! < end!
  );
}

/** Which lists of a layer may hold a path: by its hash, one binary search per path. */
class LayerIndex {
  private readonly asked = new Map<string, Uint32Array>();

  private constructor(
    private readonly hashes: Uint32Array,
    private readonly lists: Uint32Array,
  ) {}

  static unpack(value: unknown): LayerIndex | undefined {
    const v = value as Partial<PackedIndex> | null;
    if (!v || typeof v.hashes !== "string" || typeof v.lists !== "string") return undefined;
    const [hashes, lists] = [words(v.hashes), words(v.lists)];
    if (hashes.length !== lists.length) return undefined;
    for (let i = 1; i < hashes.length; i++) if (hashes[i - 1]! > hashes[i]!) return undefined;
    return new LayerIndex(hashes, lists);
  }

  /** The numbers of the lists holding a file with the path's hash (most paths: none). */
  listsHolding(path: string): Uint32Array {
    let found = this.asked.get(path);
    if (found) return found;
    const hash = pathHash(path);
    // Plain variables: array destructuring runs the iterator protocol while the code is cold.
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.hashes.length && this.hashes[end] === hash) end++;
    found = this.lists.subarray(lo, end);
    this.asked.set(path, found);
    return found;
  }
}

/** Base64 of little-endian 32-bit words, copied into an aligned array (a decoded Buffer may sit at any offset of Node's pool). */
function words(base64: string): Uint32Array {
  const bytes = Buffer.from(base64, "base64");
  const end = bytes.byteOffset + bytes.length - (bytes.length % 4);
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, end));
}

function lazyList(packed: PackedList, section: ListSection, file: string, index: LayerIndex): OwnedFiles {
  let listBytes: Buffer | undefined;
  const text = () => (listBytes ??= listText(section, packed.listAt, file));
  let files: string[] | undefined;
  const list = { owner: packed.owner } as OwnedFiles;
  // Not enumerable: a way to ask the list, not part of what the analyzer found.
  Object.defineProperty(list, "has", {
    value: (path: string) =>
      path.startsWith("/")
        ? index.listsHolding(path).includes(packed.ordinal) && holdsText(text(), path)
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
