import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseChallenge } from "./auth.js";
import { RegistryClient } from "./client.js";
import { findCredentials, normaliseAuthKey } from "./credentials.js";

// Misbehaving servers (silent, lying about content, redirecting forever) are hand-made
// here: a real registry does not misbehave on request. Normal behaviour is tested
// against the real docker-registry in registry.test.ts.

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

describe("RegistryClient against misbehaving servers", () => {
  it("times out a silent server with NETWORK", async () => {
    const host = await serve(() => {
      /* never answers */
    });
    const client = new RegistryClient(host, "app", { timeoutMs: 300 });
    await expect(client.manifest("1")).rejects.toMatchObject({
      code: "NETWORK",
      message: expect.stringContaining("300 ms"),
    });
  });

  it("cuts off a blob that sends more than its descriptor's size (an endless blob)", async () => {
    const claimed = "sha256:" + createHash("sha256").update("x".repeat(100)).digest("hex");
    let sent = 0;
    const host = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      const pump = () => {
        while (sent < 1024 ** 3 && res.write(chunk)) sent += chunk.length;
      };
      res.on("drain", pump);
      res.on("close", () => res.off("drain", pump));
      pump();
    });
    const stream = await new RegistryClient(host, "app").openBlob(claimed, "layer", 100);
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
      message: expect.stringContaining("more than the descriptor's 100 bytes"),
    });
    // Cut off within the first few chunks, not read to the end of the gigabyte.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it("gives up on a blob that trickles past its total deadline, naming the blob and the bound", async () => {
    const claimed = "sha256:" + createHash("sha256").update("slow").digest("hex");
    const host = await serve((_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write("s"), 20);
      res.on("close", () => clearInterval(t));
    });
    process.env.BULWARK_REGISTRY_TOTAL_MS = "300";
    try {
      const stream = await new RegistryClient(host, "app").openBlob(claimed, "layer", 1000);
      await expect(
        (async () => {
          for await (const _ of stream) void _;
        })(),
      ).rejects.toMatchObject({
        code: "NETWORK",
        message: expect.stringMatching(new RegExp(`layer ${claimed}: not received within 3\\d\\d ms`)),
      });
    } finally {
      delete process.env.BULWARK_REGISTRY_TOTAL_MS;
    }
  });

  it("fails a blob whose bytes do not match its digest with DIGEST_MISMATCH", async () => {
    const claimed = "sha256:" + createHash("sha256").update("the real blob").digest("hex");
    const host = await serve((_req, res) => res.end("something else"));
    const client = new RegistryClient(host, "app");
    const stream = await client.openBlob(claimed, "layer");
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(client.blob(claimed, "config")).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
  });

  it("stops an endless redirect chain with REGISTRY_ERROR", async () => {
    const host = await serve((req, res) => res.writeHead(307, { Location: `${req.url}x` }).end());
    await expect(new RegistryClient(host, "app").manifest("1")).rejects.toMatchObject({
      code: "REGISTRY_ERROR",
      message: expect.stringContaining("redirects"),
    });
  });

  it("turns a 5xx into REGISTRY_ERROR with the registry's error code", async () => {
    const host = await serve((_req, res) =>
      res.writeHead(503).end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "maintenance" }] })),
    );
    await expect(new RegistryClient(host, "app").manifest("1")).rejects.toMatchObject({
      code: "REGISTRY_ERROR",
      message: expect.stringContaining("UNAVAILABLE: maintenance"),
    });
  });

  it("sends no credentials to a token realm on another host over plain HTTP", async () => {
    const seen: Array<string | undefined> = [];
    const realm = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401).end();
    });
    // "localhost" is another host name than the registry's 127.0.0.1.
    const host = await serve((_req, res) =>
      res
        .writeHead(401, {
          "WWW-Authenticate": `Bearer realm="http://${realm.replace("127.0.0.1", "localhost")}/token",service="x"`,
        })
        .end(),
    );
    const client = new RegistryClient(host, "app", { creds: { username: "u", password: "p" } });
    await expect(client.manifest("1")).rejects.toMatchObject({
      code: "REGISTRY_AUTH",
      message: expect.stringContaining("refusing to send credentials to token realm http://localhost:"),
    });
    // Refused before any request: the realm never hears from us.
    expect(seen).toEqual([]);
  });
});

describe("auth helpers", () => {
  it("parses bearer and basic challenges, with commas inside quotes", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: "bearer",
      params: {
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:a/b:pull,push",
      },
    });
    expect(parseChallenge('Basic realm="x"')).toEqual({ scheme: "basic", params: { realm: "x" } });
    expect(parseChallenge(undefined)).toBeUndefined();
  });

  it("normalises docker config keys", () => {
    expect(normaliseAuthKey("https://index.docker.io/v1/")).toBe("docker.io");
    expect(normaliseAuthKey("http://localhost:5000")).toBe("localhost:5000");
    expect(normaliseAuthKey("ghcr.io")).toBe("ghcr.io");
  });

  it("finds credentials: flags first, then config auths (base64 or username/password)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulwark-creds-"));
    try {
      const file = join(dir, "config.json");
      await writeFile(
        file,
        JSON.stringify({
          auths: {
            "https://index.docker.io/v1/": { auth: Buffer.from("bob:pw:with:colons").toString("base64") },
            "r.example": { username: "u", password: "p" },
          },
        }),
      );
      expect(findCredentials("docker.io", { dockerConfig: file })).toEqual({
        username: "bob",
        password: "pw:with:colons",
      });
      expect(findCredentials("r.example", { dockerConfig: dir })).toEqual({ username: "u", password: "p" });
      expect(findCredentials("other.example", { dockerConfig: file })).toBeUndefined();
      expect(findCredentials("docker.io", { dockerConfig: file, username: "x", password: "y" })).toEqual({
        username: "x",
        password: "y",
      });
      expect(() => findCredentials("docker.io", { username: "x" })).toThrow(
        expect.objectContaining({ code: "USAGE" }),
      );
      expect(() => findCredentials("docker.io", { dockerConfig: join(dir, "missing.json") })).toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID" }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
