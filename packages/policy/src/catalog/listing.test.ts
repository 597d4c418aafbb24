import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryClient } from "../signature/registry-access.js";
import { listRepositories, listTags } from "./listing.js";

// A registry answering garbage cannot be produced by docker-registry, so this one is a
// small HTTP server written here; each path answers one kind of wrong.
const answers: Record<string, { status?: number; body: string; link?: string }> = {
  "/v2/_catalog?n=100": { body: "<html>not json</html>" },
  "/v2/list/tags/list?n=100": { body: JSON.stringify({ name: "list", tags: ["1", 2] }) },
  "/v2/loop/tags/list?n=100": {
    body: JSON.stringify({ tags: ["a"] }),
    link: '</v2/loop/tags/list?n=100>; rel="next"',
  },
  "/v2/evil/tags/list?n=100": {
    body: JSON.stringify({ tags: ["a"] }),
    link: '<https://elsewhere.example/v2/x>; rel="next"',
  },
  "/v2/paged/tags/list?n=100": {
    body: JSON.stringify({ tags: ["a", "b"] }),
    link: '</v2/paged/tags/list?n=100&last=b>; rel="next"',
  },
  "/v2/paged/tags/list?n=100&last=b": { body: JSON.stringify({ tags: ["c"] }) },
  "/v2/empty/tags/list?n=100": { body: JSON.stringify({ name: "empty", tags: null }) },
};

let server: http.Server;
let host: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const a = answers[req.url ?? ""];
    if (!a) return void res.writeHead(404).end("{}");
    res.writeHead(a.status ?? 200, {
      "content-type": "application/json",
      ...(a.link ? { link: a.link } : {}),
    });
    res.end(a.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (repo: string) => registryClient({ registry: host, repository: repo }, {});

describe("registry listing against a registry answering garbage", () => {
  it("refuses non-JSON, non-string tags, endless and off-site pagination with REGISTRY_GARBAGE", async () => {
    await expect(listRepositories(client(""))).rejects.toMatchObject({
      code: "REGISTRY_GARBAGE",
      message: `${host}: repository catalog is not JSON`,
    });
    await expect(listTags(client("list"))).rejects.toMatchObject({
      code: "REGISTRY_GARBAGE",
      message: `${host}: tags of list has no "tags" list of strings`,
    });
    await expect(listTags(client("loop"))).rejects.toMatchObject({
      code: "REGISTRY_GARBAGE",
      message: "tags of loop: more than 1000 pages",
    });
    await expect(listTags(client("evil"))).rejects.toMatchObject({ code: "REGISTRY_GARBAGE" });
  });

  it("follows same-origin pagination and accepts a null tag list", async () => {
    expect(await listTags(client("paged"))).toEqual(["a", "b", "c"]);
    expect(await listTags(client("empty"))).toEqual([]);
  });
});
