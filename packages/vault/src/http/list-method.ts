/**
 * Vault clients send the non-standard HTTP method LIST, which Node's HTTP parser refuses.
 * This rewrites the request line of each request on a connection from "LIST /p" to
 * "GET /p" plus an `X-Bulwark-List: 1` header before Node parses it. Request boundaries
 * are tracked through Content-Length; after a chunked body the connection is passed
 * through unchanged (a LIST after that would get Node's 400, never a wrong answer).
 */
import { Duplex } from "node:stream";
import type { Socket } from "node:net";

const MAX_HEAD = 64 * 1024;
const HEAD_END = Buffer.from("\r\n\r\n");

export class ListRewriter {
  private head = Buffer.alloc(0);
  private bodyLeft = 0;
  private passthrough = false;

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let rest = chunk;
    while (rest.length > 0) {
      if (this.passthrough) {
        out.push(rest);
        break;
      }
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, rest.length);
        out.push(rest.subarray(0, n));
        this.bodyLeft -= n;
        rest = rest.subarray(n);
        continue;
      }
      this.head = Buffer.concat([this.head, rest]);
      const end = this.head.indexOf(HEAD_END);
      if (end < 0) {
        if (this.head.length > MAX_HEAD) {
          this.passthrough = true;
          out.push(this.head);
          this.head = Buffer.alloc(0);
        }
        break;
      }
      const headText = this.head.subarray(0, end + 4).toString("latin1");
      rest = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
      out.push(Buffer.from(this.rewrite(headText), "latin1"));
    }
    return out;
  }

  private rewrite(head: string): string {
    const lines = head.slice(0, -4).split("\r\n");
    const cl = lines.find((l) => /^content-length:/i.test(l));
    const te = lines.find((l) => /^transfer-encoding:/i.test(l));
    if (te && /chunked/i.test(te)) this.passthrough = true;
    else if (cl) this.bodyLeft = Math.max(0, Number.parseInt(cl.split(":")[1]!.trim(), 10) || 0);
    if (!lines[0]!.startsWith("LIST ")) return head;
    lines[0] = "GET " + lines[0]!.slice(5);
    lines.splice(1, 0, "X-Bulwark-List: 1");
    return lines.join("\r\n") + "\r\n\r\n";
  }
}

/** Wraps a client socket in a Duplex that feeds rewritten bytes to Node's HTTP server. */
export function rewritingConnection(socket: Socket): Duplex {
  const rewriter = new ListRewriter();
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, (err) => cb(err ?? null));
    },
    final(cb) {
      socket.end(cb);
    },
    destroy(err, cb) {
      socket.destroy(err ?? undefined);
      cb(err);
    },
  });
  socket.on("data", (chunk: Buffer) => {
    for (const piece of rewriter.push(chunk)) if (!duplex.push(piece)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("error", (e) => duplex.destroy(e));
  socket.on("close", () => duplex.destroy());
  // the HTTP server reads these from its connection
  Object.assign(duplex, {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    setTimeout: (ms: number, cb?: () => void) => (socket.setTimeout(ms, cb), duplex),
    setNoDelay: (v?: boolean) => (socket.setNoDelay(v), duplex),
    setKeepAlive: (e?: boolean, d?: number) => (socket.setKeepAlive(e, d), duplex),
  });
  return duplex;
}
