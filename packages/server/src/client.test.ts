import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { uploadScan } from "./client.js";
import { report } from "./testing/index.js";

// Issue 11, "every network read has a deadline": an upload to a server that accepts the
// connection and never answers hung `scan --server` forever. Such a server cannot be asked of
// the real one, so it is a bare listener here; normal uploads are tested in ingest.test.ts.
let server: Server | undefined;
afterEach(async () => {
  delete process.env.BULWARK_UPLOAD_TIMEOUT_MS;
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A server that reads the request and never answers; resolves with its URL. */
async function silent(): Promise<string> {
  server = createServer((req) => req.resume());
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("uploads to a server that never answers", () => {
  it("give up at the upload deadline with one message naming the bound", async () => {
    const url = await silent();
    // The deadline is the behaviour under test; the server never answers, so the outcome does
    // not depend on timing.
    process.env.BULWARK_UPLOAD_TIMEOUT_MS = "300";
    const lines: string[] = [];
    await expect(
      uploadScan(report("registry.example/app:1", []), undefined, {
        server: url,
        token: "t",
        attempts: 2,
        log: (l) => lines.push(l),
      }),
    ).rejects.toMatchObject({
      code: "UPLOAD_FAILED",
      message: expect.stringMatching(
        /after 2 attempts: no complete answer within 300 ms \(BULWARK_UPLOAD_TIMEOUT_MS\)$/,
      ),
    });
    expect(lines).toEqual([
      "upload attempt 1 failed: no complete answer within 300 ms (BULWARK_UPLOAD_TIMEOUT_MS)",
      "upload attempt 2 failed: no complete answer within 300 ms (BULWARK_UPLOAD_TIMEOUT_MS)",
    ]);
  });
});
