/**
 * The audit log's anchor: a record in the store of where the log ended (line count, byte
 * length, last line's hash), HMAC'd with the audit key. The hash chain alone cannot show that
 * lines were cut from the end, nor that the whole file was rewritten with a fresh chain (the
 * chain hash is unkeyed); the anchor can. It is written off the request path — at most once
 * per interval, after an fsync of the log — so lines written since the last anchor (≤ 1 s, or
 * while sealed, when there is no key) are not covered. The anchor never moves backwards.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { hostname } from "node:os";
import { VaultError } from "../errors.js";
import type { Store } from "../store.js";
import type { AuditLog, AuditPosition } from "./log.js";

export interface AnchorRecord extends AuditPosition {
  mac: string;
  updated: number;
}

/** One anchor per host and file: several servers on one PostgreSQL keep their own logs. */
export const anchorId = (file: string): string => `${hostname()}:${file}`;

function macOf(key: Buffer, id: string, a: AuditPosition & { updated: number }): string {
  return createHmac("sha256", key)
    .update(JSON.stringify([id, a.lines, a.bytes, a.hash, a.updated]))
    .digest("hex");
}

export function anchorMacValid(key: Buffer, id: string, a: AnchorRecord): boolean {
  const want = Buffer.from(macOf(key, id, a), "hex");
  const got = Buffer.from(a.mac, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

export async function readAnchor(store: Store, file: string): Promise<AnchorRecord | undefined> {
  const rows = await store.query<AnchorRecord>(
    "SELECT lines, bytes, hash, mac, updated FROM vault_audit_anchor WHERE id = $1",
    [anchorId(file)],
  );
  const r = rows[0];
  return r && { ...r, lines: Number(r.lines), bytes: Number(r.bytes), updated: Number(r.updated) };
}

function readAt(fd: number, start: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  const n = readSync(fd, buf, 0, len, start);
  return buf.subarray(0, n);
}

/** Newlines in [start, end) of the file, read in 1 MiB chunks. */
function countLines(fd: number, start: number, end: number): number {
  let n = 0;
  for (let at = start; at < end; at += 1 << 20)
    for (const b of readAt(fd, at, Math.min(1 << 20, end - at))) if (b === 10) n++;
  return n;
}

/** Why the log does not reach the anchor, or undefined when it does. */
function mismatch(fd: number, size: number, a: AnchorRecord): string | undefined {
  if (size < a.bytes)
    return `the log is ${size} bytes but the store's anchor records ${a.lines} lines and ${a.bytes} bytes: truncated or replaced`;
  if (a.bytes === 0) return undefined;
  const window = readAt(fd, Math.max(0, a.bytes - (1 << 20)), Math.min(a.bytes, 1 << 20));
  const text = window.toString("utf8");
  if (!text.endsWith("\n"))
    return `no line ends at byte ${a.bytes}, where the anchor says line ${a.lines} ends`;
  const last = text.slice(0, -1).split("\n").pop() ?? "";
  let hash: unknown;
  try {
    hash = (JSON.parse(last) as { hash?: unknown }).hash;
  } catch {
    hash = undefined;
  }
  if (hash !== a.hash) return `line ${a.lines} is not the line the anchor recorded: the log was rewritten`;
  return undefined;
}

export interface AnchorCheck {
  ok: boolean;
  /** Lines in the file (when counted). */
  lines: number;
  reason?: string;
}

/**
 * Checks a log file against its anchor. `full` also counts every line before the anchor
 * (verify); otherwise only the lines after it are counted (start-up stays cheap).
 */
export function checkAnchor(file: string, a: AnchorRecord | undefined, full = false): AnchorCheck {
  if (!existsSync(file))
    return a && a.bytes > 0
      ? { ok: false, lines: 0, reason: `the log is missing but the store's anchor records ${a.lines} lines` }
      : { ok: true, lines: 0 };
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (!a) return { ok: true, lines: countLines(fd, 0, size) };
    const why = mismatch(fd, size, a);
    if (why) return { ok: false, lines: -1, reason: why };
    if (full && countLines(fd, 0, a.bytes) !== a.lines)
      return {
        ok: false,
        lines: -1,
        reason: `the anchor's ${a.lines} lines do not match the log's first ${a.bytes} bytes: lines were removed`,
      };
    return { ok: true, lines: a.lines + countLines(fd, a.bytes, size) };
  } finally {
    closeSync(fd);
  }
}

export class AuditAnchor {
  private written: string;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: Store,
    private readonly log: AuditLog,
    private readonly id: string,
    at: AnchorRecord | undefined,
  ) {
    this.written = at ? `${at.lines}:${at.bytes}` : "";
  }

  /** Checks the log against its anchor (fail closed: a cut log refuses to open) and counts its lines. */
  static async attach(store: Store, log: AuditLog): Promise<AuditAnchor> {
    const a = await readAnchor(store, log.file);
    const c = checkAnchor(log.file, a);
    if (!c.ok)
      throw new VaultError(
        "VAULT_AUDIT_TAMPERED",
        `audit log ${log.file}: ${c.reason}; run "bulwark vault audit verify"`,
      );
    log.lines = c.lines;
    const anchor = new AuditAnchor(store, log, anchorId(log.file), a);
    log.onKeyDrop((key) => anchor.queue(key));
    return anchor;
  }

  /** Snapshots the position and MAC now (the key may be wiped right after); writes it later. */
  private queue(key: Buffer): Promise<void> {
    const pos = this.log.position();
    const mark = `${pos.lines}:${pos.bytes}`;
    if (mark === this.written || pos.lines < 0) return this.chain;
    const rec = { ...pos, updated: Date.now() };
    const mac = macOf(key, this.id, rec);
    this.chain = this.chain
      .then(() => this.log.sync())
      .then(() =>
        this.store.exec(
          `INSERT INTO vault_audit_anchor (id, lines, bytes, hash, mac, updated) VALUES ($1,$2,$3,$4,$5,$6)
           ON CONFLICT (id) DO UPDATE SET lines = excluded.lines, bytes = excluded.bytes, hash = excluded.hash,
             mac = excluded.mac, updated = excluded.updated WHERE vault_audit_anchor.lines <= excluded.lines`,
          [this.id, rec.lines, rec.bytes, rec.hash, mac, rec.updated],
        ),
      )
      .then(
        () => void (this.written = mark),
        (e: unknown) => {
          process.stderr.write(`vault: audit anchor: ${String(e)}\n`);
        },
      );
    return this.chain;
  }

  /** Anchors the current position if the key is available (unsealed). */
  flush(): Promise<void> {
    const key = this.log.currentKey();
    return key ? this.queue(key) : this.chain;
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
