import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { BulwarkError } from "@bulwark/model";

const SHA256 = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(data: Buffer | string): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

/** Only sha256 digests are accepted: they are also used as file names in the cache. */
export function assertDigest(digest: string, what: string): string {
  if (!SHA256.test(digest))
    throw new BulwarkError(
      "MANIFEST_INVALID",
      `${what}: unsupported or malformed digest ${JSON.stringify(digest)}`,
    );
  return digest;
}

/**
 * Passes bytes through and fails the stream with DIGEST_MISMATCH at its end when
 * they do not hash to `expected`: a blob is never trusted before it is verified.
 */
export class DigestVerifier extends Transform {
  private readonly hash = createHash("sha256");
  bytes = 0;

  constructor(
    private readonly expected: string,
    private readonly what: string,
    /** The descriptor's size: a source that sends more is cut off at once, not read to its end. */
    private readonly maxBytes?: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.maxBytes !== undefined && this.bytes > this.maxBytes) {
      cb(
        new BulwarkError(
          "DIGEST_MISMATCH",
          `${this.what}: more than the descriptor's ${this.maxBytes} bytes were sent; refusing the rest`,
        ),
      );
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const got = "sha256:" + this.hash.digest("hex");
    if (got !== this.expected) {
      cb(
        new BulwarkError(
          "DIGEST_MISMATCH",
          `${this.what}: content hashes to ${got}, expected ${this.expected}`,
        ),
      );
      return;
    }
    cb();
  }
}

export function verifyBuffer(data: Buffer, expected: string, what: string): Buffer {
  const got = sha256Digest(data);
  if (got !== expected)
    throw new BulwarkError("DIGEST_MISMATCH", `${what}: content hashes to ${got}, expected ${expected}`);
  return data;
}
