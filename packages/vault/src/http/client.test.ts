import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { vaultCall } from "./client.js";

// Issue 11, "every network read has a deadline": a vault that accepts the connection and
// never answers hung `scan --vault-leaks` and the vault commands forever. The real vault
// cannot be made to do that, so it is a bare listener here.
let server: Server | undefined;
afterEach(async () => {
  delete process.env.BULWARK_VAULT_TIMEOUT_MS;
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

describe("a vault that never answers", () => {
  it("fails the call at the deadline with one message naming the bound", async () => {
    server = createServer((req) => req.resume());
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The deadline is the behaviour under test; the server never answers, so the outcome does
    // not depend on timing.
    process.env.BULWARK_VAULT_TIMEOUT_MS = "300";
    await expect(vaultCall({ address, token: "t" }, "GET", "sys/health")).rejects.toMatchObject({
      code: "VAULT_INTERNAL",
      message: `cannot reach the vault at ${address}: no complete answer within 300 ms (BULWARK_VAULT_TIMEOUT_MS)`,
    });
  });
});
