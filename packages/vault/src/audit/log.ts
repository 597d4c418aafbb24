/**
 * The tamper-evident audit log: one JSON object per line, each carrying the hash of the
 * previous line (`prev`) and its own hash over its content plus `prev`. Values are HMAC'd
 * with a key from the unsealed keyring; never written in plaintext. Appends are synchronous
 * so a request whose audit line cannot be written fails (fail closed).
 */
import { createHash, createHmac } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { VaultError } from "../errors.js";

export const GENESIS = "0".repeat(64);

export interface AuditEntry {
  time: string;
  type: "request" | "response";
  auth?: { accessor?: string; display_name?: string; policies?: string[] };
  request: {
    id: string;
    operation: string;
    path: string;
    remote_address?: string;
    data?: Record<string, string>;
  };
  response?: { status: number; error?: string };
}

function lineHash(prev: string, body: string): string {
  return createHash("sha256").update(prev).update("\n").update(body).digest("hex");
}

function statSize(file: string): number {
  const fd = openSync(file, "r");
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** Reads the hash of the last line without loading the whole file. */
function lastHash(file: string): string {
  if (!existsSync(file)) return GENESIS;
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return GENESIS;
    const len = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf
      .toString("utf8")
      .split("\n")
      .filter((l) => l.length > 0);
    const last = JSON.parse(lines[lines.length - 1]!) as { hash?: unknown };
    if (typeof last.hash !== "string") throw new Error("no hash");
    return last.hash;
  } catch (e) {
    throw new VaultError(
      "VAULT_AUDIT_TAMPERED",
      `audit log ${file}: last line unreadable; run "bulwark vault audit verify"`,
      {
        cause: e,
      },
    );
  } finally {
    closeSync(fd);
  }
}

/** Where the log ends: line count, byte length, last line's hash (see anchor.ts). */
export interface AuditPosition {
  lines: number;
  bytes: number;
  hash: string;
}

export class AuditLog {
  private prev: string;
  private hmacKey: Buffer | undefined;
  private fd: number | undefined;
  /** Line count; -1 until the anchor has counted the existing lines (anchor.ts). */
  lines = -1;
  bytes: number;
  private readonly keyListeners: Array<(oldKey: Buffer) => void> = [];

  constructor(readonly file: string) {
    this.prev = lastHash(file);
    this.bytes = existsSync(file) ? statSize(file) : 0;
  }

  position(): AuditPosition {
    return { lines: this.lines, bytes: this.bytes, hash: this.prev };
  }

  /** Called with the HMAC key just before it is dropped or replaced (seal). */
  onKeyDrop(fn: (oldKey: Buffer) => void): void {
    this.keyListeners.push(fn);
  }

  currentKey(): Buffer | undefined {
    return this.hmacKey;
  }

  /** fsync off the request path (the anchor only records lines that are on disk). */
  sync(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return Promise.resolve();
    return new Promise((resolve) => fsync(fd, () => resolve()));
  }

  /** Flushes and closes the file (a later append reopens it). */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Set when unsealed; while sealed request values are redacted instead of HMAC'd. */
  setHmacKey(key: Buffer | undefined): void {
    const old = this.hmacKey;
    if (old) for (const fn of this.keyListeners) fn(old);
    // a copy: the keyring wipes its own buffers on seal, before this is called
    this.hmacKey = key && Buffer.from(key);
    old?.fill(0);
  }

  hmac(value: string): string {
    if (!this.hmacKey) return "[redacted]";
    return "hmac-sha256:" + createHmac("sha256", this.hmacKey).update(value).digest("hex");
  }

  /** HMACs every leaf of a request body (keys stay readable, values never do). */
  hmacData(data: unknown): Record<string, string> | undefined {
    if (typeof data !== "object" || data === null) return undefined;
    const out: Record<string, string> = {};
    const walk = (v: unknown, prefix: string): void => {
      if (typeof v === "object" && v !== null)
        for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
      else out[prefix] = this.hmac(JSON.stringify(v));
    };
    walk(data, "");
    return out;
  }

  append(entry: AuditEntry): void {
    const withPrev = { ...entry, prev: this.prev };
    const body = JSON.stringify(withPrev);
    const hash = lineHash(this.prev, body);
    try {
      // one descriptor for the life of the log; each line is one synchronous write (O_APPEND)
      this.fd ??= openSync(this.file, "a", 0o600);
      const line = Buffer.from(JSON.stringify({ ...withPrev, hash }) + "\n", "utf8");
      writeSync(this.fd, line);
      this.bytes += line.length;
    } catch (e) {
      throw new VaultError("VAULT_AUDIT_FAILED", "audit log write failed; request refused", { cause: e });
    }
    this.prev = hash;
    if (this.lines >= 0) this.lines++;
  }
}

export interface VerifyResult {
  ok: boolean;
  lines: number;
  /** 1-based line of the first break, when not ok. */
  badLine?: number;
  reason?: string;
}

export function verifyAuditLog(file: string): VerifyResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new VaultError(
      "VAULT_NOT_FOUND",
      `audit log ${file}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  let prev = GENESIS;
  for (let i = 0; i < lines.length; i++) {
    const fail = (reason: string): VerifyResult => ({
      ok: false,
      lines: lines.length,
      badLine: i + 1,
      reason,
    });
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(lines[i]!) as Record<string, unknown>;
    } catch {
      return fail("not valid JSON");
    }
    const { hash, ...rest } = obj;
    if (rest["prev"] !== prev) return fail("chain broken: prev does not match the previous line's hash");
    if (typeof hash !== "string" || lineHash(prev, JSON.stringify(rest)) !== hash)
      return fail("content does not match its hash");
    prev = hash;
  }
  return { ok: true, lines: lines.length };
}
