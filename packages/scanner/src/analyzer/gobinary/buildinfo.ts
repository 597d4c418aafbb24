/**
 * Go build info ("\xff Go buildinf:" blob) from ELF executables. Two layouts exist:
 *  - go1.18+: flags bit 2 set, the version and module strings follow the 32-byte header
 *    as uvarint-length-prefixed bytes;
 *  - go1.13–1.17: the header holds two pointers to Go string headers {data, len} that
 *    must be followed into the loaded data segments (ELF program headers).
 */
import { Elf } from "../common/elf.js";
import { parseError } from "../common/util.js";

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER_SIZE = 32;
const FLAG_BIG_ENDIAN = 1;
const FLAG_VERSION_INLINE = 2;
const MAX_STRING = 16 * 1024 * 1024;

export interface GoBuildInfo {
  goVersion: string;
  modInfo: string;
}

function readUvarint(buf: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i] ?? 0;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    shift += 7;
  }
  throw parseError("Go build info: bad varint");
}

function readInline(buf: Buffer, at: number): { text: string; next: number } {
  const { value: len, next } = readUvarint(buf, at);
  if (len > MAX_STRING || next + len > buf.length) throw parseError("Go build info: string out of range");
  return { text: buf.toString("utf8", next, next + len), next: next + len };
}

/** Old layout: follow a pointer to a Go string header, then to its bytes. */
function readPointedString(elf: Elf, ptrAddr: bigint, ptrSize: number, bigEndian: boolean): string {
  const header = elf.readVirtual(ptrAddr, ptrSize * 2);
  if (!header) throw parseError("Go build info: string header not in a loaded segment");
  const word = (at: number) =>
    ptrSize === 8
      ? bigEndian
        ? header.readBigUInt64BE(at)
        : header.readBigUInt64LE(at)
      : BigInt(bigEndian ? header.readUInt32BE(at) : header.readUInt32LE(at));
  const dataAddr = word(0);
  const len = Number(word(ptrSize));
  if (len > MAX_STRING) throw parseError("Go build info: string too long");
  if (len === 0) return "";
  const data = elf.readVirtual(dataAddr, len);
  if (!data) throw parseError("Go build info: string data not in a loaded segment");
  return data.toString("utf8");
}

/** The module text is framed by 16-byte sentinels when present. */
export function stripModInfoSentinels(mod: string): string {
  if (mod.length >= 33 && mod[mod.length - 17] === "\n") return mod.slice(16, mod.length - 16);
  return mod;
}

function parseAt(elf: Elf, at: number): GoBuildInfo {
  const buf = elf.buf;
  if (at + HEADER_SIZE > buf.length) throw parseError("Go build info: truncated header");
  const ptrSize = buf[at + 14] ?? 0;
  const flags = buf[at + 15] ?? 0;
  let goVersion: string;
  let modInfo: string;
  if (flags & FLAG_VERSION_INLINE) {
    const v = readInline(buf, at + HEADER_SIZE);
    goVersion = v.text;
    modInfo = readInline(buf, v.next).text;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw parseError("Go build info: bad pointer size");
    // In the old layout byte 15 is the big-endian flag itself.
    const bigEndian = (flags & FLAG_BIG_ENDIAN) !== 0;
    const ptr = (off: number) =>
      ptrSize === 8
        ? bigEndian
          ? buf.readBigUInt64BE(at + off)
          : buf.readBigUInt64LE(at + off)
        : BigInt(bigEndian ? buf.readUInt32BE(at + off) : buf.readUInt32LE(at + off));
    goVersion = readPointedString(elf, ptr(16), ptrSize, bigEndian);
    modInfo = readPointedString(elf, ptr(16 + ptrSize), ptrSize, bigEndian);
  }
  return { goVersion, modInfo: stripModInfoSentinels(modInfo) };
}

/** Candidate header offsets: the .go.buildinfo section first, then 16-aligned magic hits. */
function candidates(elf: Elf): number[] {
  const out: number[] = [];
  const section = elf.section(".go.buildinfo");
  if (section && elf.buf.subarray(section.offset, section.offset + MAGIC.length).equals(MAGIC))
    out.push(section.offset);
  for (let at = elf.buf.indexOf(MAGIC); at >= 0 && out.length < 8; at = elf.buf.indexOf(MAGIC, at + 1)) {
    if (at % 16 === 0 && !out.includes(at)) out.push(at);
  }
  return out;
}

const isGoVersion = (v: string): boolean => v.startsWith("go") || v.startsWith("devel");

/**
 * Go 1.18+ build info from the bytes at its header alone (see locate.ts); undefined for the
 * older pointer layout, which needs the whole file, or when the strings run past `window`.
 */
export function readInlineBuildInfo(window: Buffer): GoBuildInfo | undefined {
  if (window.length < HEADER_SIZE || !((window[15] ?? 0) & FLAG_VERSION_INLINE)) return undefined;
  try {
    const version = readInline(window, HEADER_SIZE);
    const mod = readInline(window, version.next);
    return isGoVersion(version.text)
      ? { goVersion: version.text, modInfo: stripModInfoSentinels(mod.text) }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Build info of a Go ELF executable; undefined when the file is not a Go program. */
export function readGoBuildInfo(elf: Elf): GoBuildInfo | undefined {
  let lastError: unknown;
  for (const at of candidates(elf)) {
    try {
      const info = parseAt(elf, at);
      if (isGoVersion(info.goVersion)) return info;
    } catch (e) {
      lastError = e;
    }
  }
  if (lastError) throw lastError;
  return undefined;
}
