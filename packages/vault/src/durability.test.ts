/**
 * kill -9 during a stream of writes: every write the server acknowledged is readable after
 * a restart (the real `bulwark vault serve` process; SQLite in WAL mode, and PostgreSQL).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import { bootstrap } from "./testing/bootstrap.js";
import { rawRequest } from "./testing/raw.js";
import { startChild, tempDataDir, type ChildVault } from "./testing/server.js";

describe.each(["sqlite", "postgres"] as const)("vault durability on %s", (dialect) => {
  const children: ChildVault[] = [];
  let pg: RunningPostgres | undefined;
  let extra: string[] = [];
  beforeAll(async () => {
    if (dialect !== "postgres") return;
    pg = await startPostgres();
    extra = ["--database", await pg.createDatabase()];
  }, 120_000);
  afterAll(async () => pg?.stop());
  afterEach(() => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
  });

  it("every acknowledged write survives kill -9", async () => {
    const dataDir = tempDataDir();
    const first = await startChild(dataDir, extra);
    children.push(first);
    const { root, keys } = await bootstrap(first.url);
    const acked = new Map<string, string>();
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const path = `stream/w${w}/k${i}`;
        const value = `w${w}-${i}-${"x".repeat(i % 50)}`;
        try {
          const res = await rawRequest(first.url, "POST", `/v1/secret/data/${path}`, {
            token: root,
            body: JSON.stringify({ data: { value } }),
          });
          if (res.status === 200) acked.set(path, value);
        } catch {
          return; // connection reset by the kill: this write was never acknowledged
        }
      }
    };
    const writers = [0, 1, 2, 3, 4, 5, 6, 7].map(writer);
    while (acked.size < 300) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    expect(await first.exited).toBe(null);

    const second = await startChild(dataDir, extra);
    children.push(second);
    for (const key of keys.slice(0, 2))
      await rawRequest(second.url, "PUT", "/v1/sys/unseal", { body: JSON.stringify({ key }) });
    let missing = 0;
    for (const [path, value] of acked) {
      const res = await rawRequest(second.url, "GET", `/v1/secret/data/${path}`, { token: root });
      if ((res.json?.data as { data?: { value?: string } } | undefined)?.data?.value !== value) missing++;
    }
    expect(acked.size).toBeGreaterThanOrEqual(300);
    expect(missing).toBe(0);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 120_000);
});
