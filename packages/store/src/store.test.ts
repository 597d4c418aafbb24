import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appliedMigrations, isUniqueViolation, migrate, openStore, StoreError, type Store } from "./index.js";
import { startPostgres, type RunningPostgres } from "./testing/index.js";

let pgServer: RunningPostgres;
const dirs: string[] = [];

beforeAll(async () => {
  pgServer = await startPostgres();
}, 120_000);

afterAll(async () => {
  await pgServer?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freshStore(dialect: "sqlite" | "postgres"): Promise<Store> {
  if (dialect === "postgres") return openStore({ databaseUrl: await pgServer.createDatabase() });
  const dir = mkdtempSync(join(tmpdir(), "bulwark-store-"));
  dirs.push(dir);
  return openStore({ dataDir: dir });
}

const ITEMS = {
  id: "001-items",
  sql: `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, seen BIGINT, score REAL, flag INTEGER);
        CREATE INDEX items_seen ON items (seen);`,
};

describe.each(["sqlite", "postgres"] as const)("store on %s", (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(dialect);
    await migrate(store, "test", [ITEMS]);
  });
  afterAll(() => store?.close());

  it("reports its dialect", () => {
    expect(store.dialect).toBe(dialect);
  });

  it("round-trips text, big integers, reals, nulls and booleans with $n placeholders", async () => {
    const ms = 1_764_000_000_123;
    await store.exec("INSERT INTO items (id, name, seen, score, flag) VALUES ($1, $2, $3, $4, $5)", [
      1,
      "a'b",
      ms,
      7.5,
      true,
    ]);
    await store.exec("INSERT INTO items (id, name, seen, score, flag) VALUES ($1, $2, $3, $4, $5)", [
      2,
      "two",
      null,
      undefined,
      false,
    ]);
    const rows = await store.query(
      "SELECT id, name, seen, score, flag FROM items WHERE id IN ($1, $2) ORDER BY id",
      [1, 2],
    );
    expect(rows).toEqual([
      { id: 1, name: "a'b", seen: ms, score: 7.5, flag: 1 },
      { id: 2, name: "two", seen: null, score: null, flag: 0 },
    ]);
  });

  it("returns COUNT(*) as a number and reuses one parameter several times", async () => {
    const [row] = await store.query<{ n: number; same: number }>(
      "SELECT COUNT(*) AS n, SUM(CASE WHEN id = $1 OR id = $1 THEN 1 ELSE 0 END) AS same FROM items",
      [1],
    );
    expect(row).toEqual({ n: 2, same: 1 });
  });

  it("keeps '$1' inside a string literal as text", async () => {
    const [row] = await store.query<{ lit: string; p: string }>("SELECT '$1 -- x' AS lit, $1 AS p", ["v"]);
    expect(row).toEqual({ lit: "$1 -- x", p: "v" });
  });

  it("supports ON CONFLICT upserts with RETURNING and counts changes", async () => {
    const up =
      "INSERT INTO items (id, name, score) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET score = excluded.score RETURNING id, score";
    expect(await store.query(up, [3, "three", 1])).toEqual([{ id: 3, score: 1 }]);
    expect(await store.query(up, [3, "three", 2])).toEqual([{ id: 3, score: 2 }]);
    expect(await store.exec("UPDATE items SET flag = 1 WHERE id >= $1", [2])).toEqual({ changes: 2 });
  });

  it("stores an injection attempt as data", async () => {
    const evil = "x'); DROP TABLE items; --";
    await store.exec("INSERT INTO items (id, name) VALUES ($1, $2)", [4, evil]);
    const rows = await store.query<{ name: string }>("SELECT name FROM items WHERE name = $1", [evil]);
    expect(rows).toEqual([{ name: evil }]);
  });

  it("recognises unique violations on both dialects", async () => {
    const err = await store
      .exec("INSERT INTO items (id, name) VALUES ($1, $2)", [99, "two"])
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(new Error("x"))).toBe(false);
  });

  it("commits a transaction and rolls back one that throws", async () => {
    await store.transaction(async (tx) => {
      await tx.exec("INSERT INTO items (id, name) VALUES ($1, $2)", [10, "ten"]);
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.exec("INSERT INTO items (id, name) VALUES ($1, $2)", [11, "eleven"]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const ids = await store.query<{ id: number }>("SELECT id FROM items WHERE id IN (10, 11)");
    expect(ids).toEqual([{ id: 10 }]);
  });

  it("rolls back only the inner part of a nested transaction", async () => {
    await store.transaction(async (tx) => {
      await tx.exec("INSERT INTO items (id, name) VALUES ($1, $2)", [20, "outer"]);
      await tx
        .transaction(async (inner) => {
          await inner.exec("INSERT INTO items (id, name) VALUES ($1, $2)", [21, "inner"]);
          throw new Error("inner fails");
        })
        .catch(() => undefined);
    });
    const ids = await store.query<{ id: number }>("SELECT id FROM items WHERE id IN (20, 21) ORDER BY id");
    expect(ids).toEqual([{ id: 20 }]);
  });

  it("does not show uncommitted writes outside the transaction, and serialises read-modify-write", async () => {
    await store.exec("INSERT INTO items (id, name, score) VALUES (30, 'counter', 0)");
    const bump = (): Promise<void> =>
      store.transaction(async (tx) => {
        const lock = tx.dialect === "postgres" ? " FOR UPDATE" : "";
        const [row] = await tx.query<{ score: number }>(`SELECT score FROM items WHERE id = 30${lock}`);
        await new Promise((r) => setTimeout(r, 2));
        await tx.exec("UPDATE items SET score = $1 WHERE id = 30", [(row?.score ?? 0) + 1]);
      });
    await Promise.all(Array.from({ length: 20 }, bump));
    const [row] = await store.query<{ score: number }>("SELECT score FROM items WHERE id = 30");
    expect(row?.score).toBe(20);

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const tx = store.transaction(async (t) => {
      await t.exec("INSERT INTO items (id, name) VALUES (31, 'pending')");
      inserted();
      await held;
    });
    await didInsert;
    const outside = store.query("SELECT id FROM items WHERE id = 31");
    // SQLite: the outside read waits for the transaction; PostgreSQL: it does not see the row.
    const early = await Promise.race([outside, new Promise((r) => setTimeout(() => r("waiting"), 50))]);
    if (dialect === "postgres") expect(early).toEqual([]);
    else expect(early).toBe("waiting");
    release();
    await tx;
    expect(await store.query("SELECT id FROM items WHERE id = 31")).toEqual([{ id: 31 }]);
  });
});

describe.each(["sqlite", "postgres"] as const)("migrate on %s", (dialect) => {
  it("applies each migration once, in order, per namespace, with dialect-specific SQL", async () => {
    const store = await freshStore(dialect);
    try {
      const list = [
        { id: "001", sql: "CREATE TABLE m_a (x INTEGER)" },
        { id: "002", sql: { sqlite: "INSERT INTO m_a VALUES (1)", postgres: "INSERT INTO m_a VALUES (2)" } },
      ];
      await migrate(store, "one", list);
      await migrate(store, "one", list);
      await migrate(store, "two", [{ id: "001", sql: "CREATE TABLE m_b (y TEXT)" }]);
      expect(await store.query("SELECT x FROM m_a")).toEqual([{ x: dialect === "sqlite" ? 1 : 2 }]);
      expect(await appliedMigrations(store, "one")).toEqual(["001", "002"]);
      expect(await appliedMigrations(store, "two")).toEqual(["001"]);
    } finally {
      await store.close();
    }
  });

  it("leaves nothing behind when a migration fails, and names it", async () => {
    const store = await freshStore(dialect);
    try {
      const bad = [
        { id: "001", sql: "CREATE TABLE ok_t (x INTEGER)" },
        { id: "002", sql: "CREATE TABLE half_t (x INTEGER); INSERT INTO nowhere VALUES (1)" },
      ];
      const err = await migrate(store, "bad", bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe("STORE_MIGRATION");
      expect((err as StoreError).message).toContain("bad/002");
      expect(await appliedMigrations(store, "bad")).toEqual(["001"]);
      await expect(store.query("SELECT * FROM half_t")).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it("runs a migration's code step after its SQL, in the same transaction", async () => {
    const store = await freshStore(dialect);
    try {
      const withCode = {
        id: "001",
        sql: "CREATE TABLE m_c (x TEXT)",
        run: async (tx: Store) => {
          await tx.exec("INSERT INTO m_c VALUES ($1)", [`computed-${tx.dialect}`]);
        },
      };
      const failing = {
        id: "002",
        sql: "CREATE TABLE m_d (x TEXT)",
        run: async (tx: Store) => {
          await tx.exec("INSERT INTO m_c VALUES ('half')");
          throw new Error("no value for this row");
        },
      };
      const err = await migrate(store, "code", [withCode, failing]).catch((e: unknown) => e);
      expect((err as StoreError).message).toMatch(/code\/002 failed: no value for this row/);
      expect(await store.query("SELECT x FROM m_c")).toEqual([{ x: `computed-${dialect}` }]);
      await expect(store.query("SELECT * FROM m_d")).rejects.toThrow();
      expect(await appliedMigrations(store, "code")).toEqual(["001"]);
      await expect(migrate(store, "code", [{ id: "003" }])).rejects.toThrow(/neither sql nor run/);
    } finally {
      await store.close();
    }
  });

  it("refuses a list with a duplicated id", async () => {
    const store = await freshStore(dialect);
    try {
      await expect(
        migrate(store, "dup", [
          { id: "1", sql: "SELECT 1" },
          { id: "1", sql: "SELECT 1" },
        ]),
      ).rejects.toThrow(/twice/);
    } finally {
      await store.close();
    }
  });
});

describe("postgres specifics", () => {
  it("two servers migrating the same database at once apply each migration once", async () => {
    const url = await pgServer.createDatabase();
    const [a, b] = await Promise.all([openStore({ databaseUrl: url }), openStore({ databaseUrl: url })]);
    try {
      const list = [{ id: "001", sql: "CREATE TABLE race (x INTEGER)" }];
      await Promise.all([migrate(a, "race", list), migrate(b, "race", list)]);
      expect(await appliedMigrations(a, "race")).toEqual(["001"]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("fails with one clear line on a bad URL or an unreachable server", async () => {
    await expect(openStore({ databaseUrl: "mysql://x" })).rejects.toMatchObject({ code: "STORE_URL" });
    const down = pgServer.url.replace(/:(\d+)\//, ":1/");
    const err = (await openStore({ databaseUrl: down }).catch((e: unknown) => e)) as StoreError;
    expect(err.code).toBe("STORE_UNAVAILABLE");
    expect(err.message).not.toContain("pw"); // the password never appears in the error
  });

  it("recovers when the database goes away and comes back", async () => {
    const url = await pgServer.createDatabase();
    const store = await openStore({ databaseUrl: url });
    try {
      await store.exec("CREATE TABLE survive (x INTEGER)");
      await pgServer.pause();
      await expect(store.query("SELECT 1")).rejects.toThrow();
      await pgServer.restart();
      await store.exec("INSERT INTO survive VALUES (1)");
      expect(await store.query("SELECT x FROM survive")).toEqual([{ x: 1 }]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
