/** Bad input gets the Vault-style status and message, and nothing is half-written or unsealed. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/src/testutil/cli.js";
import { bootstrap } from "./testing/bootstrap.js";
import { rawRequest } from "./testing/raw.js";
import { startInProcess, type InProcessVault } from "./testing/server.js";

describe("vault bad input", () => {
  let v: InProcessVault;
  let root: string;
  let keys: string[];
  const req = (method: string, path: string, body?: unknown, token = root): ReturnType<typeof rawRequest> =>
    rawRequest(v.url, method, path, {
      token,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    v = await startInProcess();
    ({ root, keys } = await bootstrap(v.url, 3, 2));
  });
  afterAll(async () => v?.stop());

  it("path traversal in a secret path is refused, raw or percent-encoded", async () => {
    for (const p of [
      "/v1/secret/data/a/../b",
      "/v1/secret/data/a/%2e%2e/b",
      "/v1/secret/data/./b",
      "/v1/secret/data/a//b",
    ]) {
      const res = await req("POST", p, { data: { k: "v" } });
      expect(res.status, p).toBe(400);
      expect(res.json?.errors?.[0], p).toMatch(/^invalid path/);
    }
    expect((await req("LIST", "/v1/secret/metadata/")).status).toBe(404);
  });

  it("oversized bodies and values get 413 and write nothing", async () => {
    const huge = await req("POST", "/v1/secret/data/big", { data: { k: "x".repeat(2 * 1024 * 1024) } });
    expect(huge).toMatchObject({
      status: 413,
      json: { errors: ["request body too large (limit 1048576 bytes)"] },
    });
    const big = await req("POST", "/v1/secret/data/big", { data: { k: "x".repeat(600 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.json?.errors?.[0]).toMatch(/^secret value too large: \d+ bytes \(limit 524288\)/);
    expect((await req("GET", "/v1/secret/metadata/big")).status).toBe(404);
  });

  it("malformed JSON, missing data, unknown routes", async () => {
    expect((await req("POST", "/v1/secret/data/j", "{not json")).json?.errors?.[0]).toMatch(
      /^failed to parse JSON input/,
    );
    expect(await req("POST", "/v1/secret/data/j", { nodata: 1 })).toMatchObject({
      status: 400,
      json: { errors: ["no data provided"] },
    });
    expect(await req("GET", "/v1/nosuchmount/x")).toMatchObject({
      status: 404,
      json: { errors: [expect.stringMatching(/^no handler for route/)] },
    });
    expect(await req("PUT", "/v1/sys/init", { secret_shares: 1, secret_threshold: 1 })).toMatchObject({
      status: 400,
      json: { errors: ["Vault is already initialized"] },
    });
  });

  it("a policy with a syntax error is refused and not stored", async () => {
    const res = await req("PUT", "/v1/sys/policies/acl/broken", {
      policy: 'path "secret/*" {\n  capabilities = ["read"]\n',
    });
    expect(res).toMatchObject({
      status: 400,
      json: { errors: ['failed to parse policy: line 3: expected "}" before end of input'] },
    });
    expect((await req("GET", "/v1/sys/policies/acl/broken")).status).toBe(404);
  });

  it("expired and revoked tokens are denied", async () => {
    const mk = async (ttl: string): Promise<string> =>
      (
        (await req("POST", "/v1/auth/token/create", { policies: ["default"], ttl })).json?.["auth"] as {
          client_token: string;
        }
      ).client_token;
    const short = await mk("1s");
    const revoked = await mk("1h");
    expect((await req("GET", "/v1/auth/token/lookup-self", undefined, short)).status).toBe(200);
    await req("POST", "/v1/auth/token/revoke", { token: revoked });
    await new Promise((r) => setTimeout(r, 1300));
    for (const t of [short, revoked, "", "hvs.garbage"])
      expect(await req("GET", "/v1/auth/token/lookup-self", undefined, t)).toMatchObject({
        status: 403,
        json: { errors: ["permission denied"] },
      });
  });

  it("a sealed vault answers 503; wrong shares leave it sealed; the right ones unseal", async () => {
    await req("PUT", "/v1/secret/data/keep", { data: { k: "kept-value" } });
    expect((await req("PUT", "/v1/sys/seal")).status).toBe(204);
    expect(await req("GET", "/v1/secret/data/keep")).toMatchObject({
      status: 503,
      json: { errors: ["Vault is sealed"] },
    });
    const wrongA = await req("PUT", "/v1/sys/unseal", { key: keys[0] });
    expect(wrongA.json).toMatchObject({ sealed: true, progress: 1 });
    // a share of the right length from another vault: the combination fails authentication
    const foreign = Buffer.from(keys[1]!, "hex");
    foreign[0]! ^= 1;
    const wrongB = await req("PUT", "/v1/sys/unseal", { key: foreign.toString("hex") });
    expect(wrongB).toMatchObject({
      status: 400,
      json: { errors: [expect.stringMatching(/^unseal failed/)] },
    });
    expect((await req("GET", "/v1/sys/seal-status")).json).toMatchObject({ sealed: true, progress: 0 });
    expect((await req("PUT", "/v1/sys/unseal", { key: "not hex!" })).status).toBe(400);
    await req("PUT", "/v1/sys/unseal", { key: keys[2] });
    expect((await req("PUT", "/v1/sys/unseal", { key: keys[1] })).json).toMatchObject({ sealed: false });
    expect((await req("GET", "/v1/secret/data/keep")).json?.data).toMatchObject({
      data: { k: "kept-value" },
    });
  });

  it("the server refuses a non-loopback address without TLS", async () => {
    const res = await runCli(["vault", "serve", "--listen", "0.0.0.0:0", "--data-dir", v.dataDir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/refusing to listen on non-loopback 0\.0\.0\.0 without TLS/);
    expect(res.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });
});
