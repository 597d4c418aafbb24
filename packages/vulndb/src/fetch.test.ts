/** Network failures against real HTTP servers on 127.0.0.1 that misbehave on purpose. */
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { BulwarkError } from "../../model/src/errors.js";
import { downloadToBuffer, downloadToFile } from "./fetch.js";
import { openVulnDb, updateVulnDb } from "./index.js";
import { MIRROR, MIRROR_PRESENT, SKIP_REASON, serveDir, sha256, tempDir } from "./testutil/mirror.js";
import { dbPath } from "./schema.js";

const work = tempDir("fetch");
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(work, { recursive: true, force: true });
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
}

async function failure(p: Promise<unknown>, code: string): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BulwarkError);
  expect((e as BulwarkError).code).toBe(code);
  return (e as BulwarkError).message;
}

describe("downloads", () => {
  it("gives up on a server that never answers", async () => {
    const url = await listen(() => {
      /* accept and hold the request forever */
    });
    const msg = await failure(
      updateVulnDb({ cacheDir: join(work, "hang"), source: url, ecosystems: ["npm"], stallMs: 300 }),
      "NETWORK",
    );
    expect(msg).toBe(`cannot download ${url}/osv/npm/all.zip: no response within 0.3 s`);
  });

  it("gives up on a download that stalls half-way", async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { "content-length": "100000" });
      res.write(Buffer.alloc(1000));
    });
    const msg = await failure(
      updateVulnDb({ cacheDir: join(work, "stall"), source: url, ecosystems: ["npm"], stallMs: 300 }),
      "NETWORK",
    );
    expect(msg).toContain(`${url}/osv/npm/all.zip`);
  });

  it("reports an HTTP error status as a source problem", async () => {
    const url = await listen((_req, res) => res.writeHead(503, "Service Unavailable").end());
    const msg = await failure(
      updateVulnDb({ cacheDir: join(work, "503"), source: url, ecosystems: ["npm"] }),
      "DB_SOURCE",
    );
    expect(msg).toBe(`cannot download ${url}/osv/npm/all.zip: HTTP 503 Service Unavailable`);
  });

  it.skipIf(!MIRROR_PRESENT)(
    `reads a gzipped EPSS CSV from a URL${MIRROR_PRESENT ? "" : ` (skipped: ${SKIP_REASON})`}`,
    async () => {
      // Hand-written in FIRST's published shape (gzipped, comment line first): no EPSS producer runs here.
      const csv =
        "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.94358,0.99961\n";
      const url = await listen((req, res) => {
        if (req.url !== "/epss_scores-current.csv.gz") return void res.writeHead(404).end();
        res.writeHead(200).end(gzipSync(csv));
      });
      const cache = join(work, "epss-url");
      const r = await updateVulnDb({
        cacheDir: cache,
        source: MIRROR,
        ecosystems: ["npm"],
        epssCsv: `${url}/epss_scores-current.csv.gz`,
      });
      expect(r.epss).toBe(1);
      const db = openVulnDb(cache);
      expect(db.epss("CVE-2021-44228")).toBeCloseTo(0.94358, 6);
      expect(db.status().sources.find((s) => s.name === "epss")?.url).toBe(
        `${url}/epss_scores-current.csv.gz`,
      );
      db.close();
      const hash = sha256(dbPath(cache));
      const msg = await failure(
        updateVulnDb({ cacheDir: cache, source: MIRROR, epssCsv: `${url}/missing.csv` }),
        "DB_SOURCE",
      );
      expect(msg).toContain(`${url}/missing.csv`);
      expect(sha256(dbPath(cache))).toBe(hash);
    },
  );

  it.skipIf(!MIRROR_PRESENT)(
    `keeps the old database when KEV fails after the archives downloaded${MIRROR_PRESENT ? "" : ` (skipped: ${SKIP_REASON})`}`,
    async () => {
      const cache = join(work, "kevfail");
      await updateVulnDb({ cacheDir: cache, source: MIRROR, ecosystems: ["npm"] });
      const hash = sha256(dbPath(cache));
      const { url: mirror, server } = await serveDir(MIRROR);
      servers.push(server);
      // A proxy that serves the archives but fails the KEV feed.
      const url = await listen((req, res) => {
        if (req.url?.startsWith("/kev/")) return void res.writeHead(500, "Internal Server Error").end();
        void fetch(`${mirror}${req.url}`).then(async (r) => {
          res.writeHead(r.status);
          res.end(Buffer.from(await r.arrayBuffer()));
        });
      });
      await failure(updateVulnDb({ cacheDir: cache, source: url, ecosystems: ["npm", "Go"] }), "DB_SOURCE");
      expect(sha256(dbPath(cache))).toBe(hash);
      const db = openVulnDb(cache);
      expect(Object.keys(db.status().ecosystems)).toEqual(["npm"]);
      db.close();
    },
  );
});

describe("downloads are bounded in size and time (issue 11 defects 3 and 4)", () => {
  const endless = () =>
    listen((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on("drain", pump);
      res.on("close", () => res.off("drain", pump));
      pump();
    });

  async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
    Object.assign(process.env, vars);
    try {
      return await run();
    } finally {
      for (const k of Object.keys(vars)) delete process.env[k];
    }
  }

  it("stops an endless KEV body at its bound", async () => {
    const url = `${await endless()}/kev.json`;
    await withEnv({ BULWARK_MAX_KEV_BYTES: String(1024 * 1024) }, async () => {
      await expect(downloadToBuffer(url)).rejects.toMatchObject({
        code: "FILE_TOO_LARGE",
        message: `cannot download ${url}: more than 1048576 bytes (raise BULWARK_MAX_KEV_BYTES)`,
      });
    });
  });

  it("stops an endless feed zip at its bound", async () => {
    const url = `${await endless()}/osv/npm/all.zip`;
    await withEnv({ BULWARK_MAX_FEED_ZIP_BYTES: String(2 * 1024 * 1024) }, async () => {
      await expect(downloadToFile(url, join(work, "endless.zip"))).rejects.toMatchObject({
        code: "FILE_TOO_LARGE",
        message: expect.stringContaining("more than 2097152 bytes"),
      });
    });
  });

  it("gives up on a server that trickles past the total deadline", async () => {
    const base = await listen((_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write("["), 20);
      res.on("close", () => clearInterval(t));
    });
    await withEnv({ BULWARK_DOWNLOAD_TOTAL_MS: "300" }, async () => {
      await expect(downloadToBuffer(`${base}/kev.json`)).rejects.toMatchObject({
        code: "NETWORK",
        message: expect.stringContaining("stalled or passed its deadline"),
      });
    });
  });
});
