/**
 * Bytes pulled from an async stream of chunks on demand: `take` gathers an exact count,
 * `skip` discards without copying (the bytes of entries nobody wants are never assembled).
 */
export class ByteSource {
  private readonly chunks: Buffer[] = [];
  private available = 0;
  private ended = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(stream: AsyncIterable<Buffer>) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** Pulls chunks until `n` bytes are buffered or the stream ends; true if they are. */
  async fill(n: number): Promise<boolean> {
    while (this.available < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else if (r.value.length) {
        this.chunks.push(r.value);
        this.available += r.value.length;
      }
    }
    return this.available >= n;
  }

  /** True when the stream has ended and every byte was consumed. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Exactly `n` bytes, or undefined when the stream ends first. */
  async take(n: number): Promise<Buffer | undefined> {
    const parts = await this.takeParts(n);
    return parts && (parts.length === 1 ? parts[0] : Buffer.concat(parts, n));
  }

  /**
   * Exactly `n` bytes as the pieces the stream delivered them in, uncopied; undefined when the
   * stream ends first. Copying a large file into one buffer cost more CPU than inflating it.
   */
  async takeParts(n: number): Promise<Buffer[] | undefined> {
    if (!(await this.fill(n))) return undefined;
    const parts: Buffer[] = [];
    while (n > 0) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n);
      parts.push(k === c.length ? c : c.subarray(0, k));
      this.consume(k);
      n -= k;
    }
    return parts;
  }

  /** Copies `n` bytes into `into` at `at`, chunk by chunk; false when the stream ends first. */
  async copyInto(into: Buffer, at: number, n: number): Promise<boolean> {
    while (n > 0) {
      if (!(await this.fill(1))) return false;
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n);
      c.copy(into, at, 0, k);
      at += k;
      n -= k;
      this.consume(k);
    }
    return true;
  }

  /** Discards `n` bytes; false when the stream ends first. */
  async skip(n: number): Promise<boolean> {
    while (n > 0) {
      if (!(await this.fill(1))) return false;
      const k = Math.min(this.chunks[0]!.length, n);
      this.consume(k);
      n -= k;
    }
    return true;
  }

  /** Reads and discards everything left, so whoever hashes the stream sees all of it. */
  async drain(): Promise<void> {
    this.chunks.length = 0;
    this.available = 0;
    while (!this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
    }
  }

  /** Closes the underlying stream early (the consumer stopped). */
  async close(): Promise<void> {
    await this.it.return?.();
  }

  private consume(k: number): void {
    const c = this.chunks[0]!;
    if (k === c.length) this.chunks.shift();
    else this.chunks[0] = c.subarray(k);
    this.available -= k;
  }
}
