import { open, type FileHandle } from "node:fs/promises";
import { BulwarkError } from "../errors.js";

/** Where one member's data sits inside an uncompressed tar file. */
export interface TarMember {
  offset: number;
  size: number;
}

const BLOCK = 512;

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? length : nul).toString("utf8");
}

function octal(header: Buffer, start: number, length: number): number {
  // GNU base-256 for sizes of 8 GiB and more.
  if ((header[start] ?? 0) & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (header[i] ?? 0);
    return n;
  }
  const text = field(header, start, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function paxPath(data: Buffer): string | undefined {
  let pos = 0;
  let found: string | undefined;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.subarray(pos, space).toString("ascii"), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString("utf8");
    if (record.startsWith("path=")) found = record.slice(5);
    pos += len;
  }
  return found;
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
    let longName: string | undefined;
    while (pos + BLOCK <= fileSize) {
      const header = await readAt(fh, pos, BLOCK);
      if (header.every((b) => b === 0)) break;
      const size = octal(header, 124, 12);
      const type = String.fromCharCode(header[156] ?? 0);
      const dataOffset = pos + BLOCK;
      if (!Number.isFinite(size) || dataOffset + size > fileSize) {
        throw new BulwarkError("TARGET_UNKNOWN", `${file}: truncated or not a tar archive`);
      }
      if (type === "L" || type === "x") {
        const data = await readAt(fh, dataOffset, Math.min(size, 1024 * 1024));
        longName = type === "L" ? field(data, 0, data.length) : (paxPath(data) ?? longName);
      } else {
        const prefix = field(header, 345, 155);
        const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
        longName = undefined;
        const clean = cleanMemberName(name);
        if (type === "0" || type === "\0" || type === "7") members.set(clean, { offset: dataOffset, size });
        else if (type === "1" || type === "2")
          links.set(clean, { target: field(header, 157, 100), hard: type === "1" });
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
