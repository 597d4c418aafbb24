import { open, type FileHandle } from "node:fs/promises";
import { BulwarkError } from "@bulwark/model";
import { field, numeric as octal, parsePax } from "./tar/header.js";

/** Where one member's data sits inside an uncompressed tar file. */
export interface TarMember {
  offset: number;
  size: number;
}

const BLOCK = 512;
/** Extended headers (PAX records, GNU long names) larger than this are refused. */
const MAX_EXTENDED_HEADER = 1024 * 1024;

export { parsePax } from "./tar/header.js";

/** What the extended headers before an entry override: PAX `x` records and GNU `L`/`K` names. */
interface Overrides {
  path?: string;
  linkpath?: string;
  size?: number;
}

/** PAX `size=` must be a plain decimal; anything else makes the archive unreadable, as in Go. */
function paxSize(value: string | undefined, file: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new BulwarkError(
      "TARGET_UNKNOWN",
      `${file}: invalid PAX size ${JSON.stringify(value.slice(0, 40))}`,
    );
  return Number(value);
}

export function cleanMemberName(name: string): string {
  return name.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

/** docker save writes `<id>/layer.tar -> ../<diffid>.tar` symlinks: make them point at the data. */
function resolveLinks(
  members: Map<string, TarMember>,
  links: Map<string, { target: string; hard: boolean }>,
): void {
  for (const [name, link] of links) {
    let target = link.hard ? cleanMemberName(link.target) : joinMember(name, link.target);
    for (let hop = 0; hop < 8 && target !== undefined && !members.has(target); hop++) {
      const next = links.get(target);
      target = next
        ? next.hard
          ? cleanMemberName(next.target)
          : joinMember(target, next.target)
        : undefined;
    }
    const member = target === undefined ? undefined : members.get(target);
    if (member) members.set(name, member);
  }
}

function joinMember(from: string, target: string): string | undefined {
  if (target.startsWith("/")) return undefined;
  const parts = from.split("/").slice(0, -1);
  for (const p of target.split("/")) {
    if (p === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else if (p !== "." && p !== "") parts.push(p);
  }
  return parts.join("/");
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

/**
 * Index the regular members of an uncompressed tar by reading only its headers, so
 * docker-archive and oci-archive blobs are streamed straight from the archive file
 * with nothing extracted.
 */
export async function indexTar(file: string): Promise<Map<string, TarMember>> {
  const fh = await open(file, "r");
  try {
    const { size: fileSize } = await fh.stat();
    const members = new Map<string, TarMember>();
    const links = new Map<string, { target: string; hard: boolean }>();
    let pos = 0;
    let next: Overrides = {};
    while (pos + BLOCK <= fileSize) {
      const header = await readAt(fh, pos, BLOCK);
      if (header.every((b) => b === 0)) break;
      const type = String.fromCharCode(header[156] ?? 0);
      // Container runtimes (Go's archive/tar) take the PAX size over the header's field:
      // reading the header's field instead would show Bulwark another file tree.
      const extended = type === "x" || type === "L" || type === "K" || type === "g";
      const size = extended ? octal(header, 124, 12) : (next.size ?? octal(header, 124, 12));
      const dataOffset = pos + BLOCK;
      if (!Number.isFinite(size) || size < 0 || dataOffset + size > fileSize) {
        throw new BulwarkError("TARGET_UNKNOWN", `${file}: truncated or not a tar archive`);
      }
      if (type === "g") {
        // Global headers are not applied to entries, as Go's archive/tar does not.
      } else if (extended) {
        const data = await readAt(fh, dataOffset, Math.min(size, MAX_EXTENDED_HEADER));
        if (size > MAX_EXTENDED_HEADER)
          throw new BulwarkError(
            "FILE_TOO_LARGE",
            `${file}: extended header of ${size} bytes at offset ${pos}`,
          );
        if (type === "x") {
          const pax = parsePax(data);
          next = {
            path: pax.get("path") ?? next.path,
            linkpath: pax.get("linkpath") ?? next.linkpath,
            size: paxSize(pax.get("size"), file) ?? next.size,
          };
        } else if (type === "L") next = { ...next, path: field(data, 0, data.length) };
        else next = { ...next, linkpath: field(data, 0, data.length) };
      } else {
        // Only POSIX ustar has a name prefix; GNU headers keep other fields there.
        const posix = header.subarray(257, 265).toString("latin1") === "ustar\u000000";
        const prefix = posix ? field(header, 345, 155) : "";
        const name = next.path ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
        const linkName = next.linkpath ?? field(header, 157, 100);
        next = {};
        const clean = cleanMemberName(name);
        // The last entry of a name wins, as when a runtime extracts the archive in order.
        links.delete(clean);
        members.delete(clean);
        if (type === "0" || type === "\0" || type === "7") members.set(clean, { offset: dataOffset, size });
        else if (type === "1" || type === "2") links.set(clean, { target: linkName, hard: type === "1" });
      }
      pos = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    }
    resolveLinks(members, links);
    return members;
  } finally {
    await fh.close();
  }
}

/** Does the file start with a tar header (ustar magic at 257)? */
export async function looksLikeTar(file: string): Promise<boolean> {
  const fh = await open(file, "r");
  try {
    const header = await readAt(fh, 0, BLOCK);
    return header.length === BLOCK && header.subarray(257, 262).toString("ascii") === "ustar";
  } finally {
    await fh.close();
  }
}
