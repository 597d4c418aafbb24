import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openStore, type Store } from "@bulwark/store";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import { serverMigrations } from "./migrations.js";
import { assetKeyPrefix, findingIdentityHash, findingKey } from "./repo/finding-key.js";
import { applyFindings } from "./repo/findings-apply.js";
import { DIGEST, vuln } from "./testing/index.js";
import type { Finding } from "./deps.js";

let pg: RunningPostgres;
const dirs: string[] = [];
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freshStore(dialect: "sqlite" | "postgres"): Promise<Store> {
  if (dialect === "postgres") return openStore({ databaseUrl: await pg.createDatabase() });
  const dir = mkdtempSync(join(tmpdir(), "bulwark-keys-"));
  dirs.push(dir);
  return openStore({ dataDir: dir });
}

const ASSETS = [DIGEST(1), DIGEST(2)];
const FINDINGS: Finding[] = [vuln("CVE-1", "a", "1"), vuln("CVE-2", "b", "2"), vuln("CVE-3", "c", "3")];

function apply(tx: Store, asset: string, scanId: string, findings: Finding[]) {
  const complete = new Set(["vulnerability"]);
  return applyFindings(tx, { scanId, asset, complete, findings, now: Date.now() });
}

describe("finding keys", () => {
  it("start with the asset's prefix, so one asset's findings sort together", () => {
    const keys = ASSETS.flatMap((a) => FINDINGS.map((f) => findingKey(a, f))).sort();
    expect(keys.map((k) => k.slice(0, 8))).toEqual(
      [
        ...Array<string>(3).fill(assetKeyPrefix(ASSETS[0]!)),
        ...Array<string>(3).fill(assetKeyPrefix(ASSETS[1]!)),
      ].sort(),
    );
    expect(new Set(keys).size).toBe(6);
    expect(keys.every((k) => /^[0-9a-f]{40}$/.test(k))).toBe(true);
  });
});

describe.each(["sqlite", "postgres"] as const)("migration 007 on %s", (dialect) => {
  it("rewrites stored keys and their history, so the next scan finds the same findings", async () => {
    const store = await freshStore(dialect);
    try {
      await migrate(
        store,
        "server",
        serverMigrations.filter((m) => m.id < "007"),
      );
      // Findings as a server before 007 stored them: key = 40 characters of the identity hash.
      for (const asset of ASSETS) {
        await store.transaction((tx) => apply(tx, asset, `scan-1-${asset}`, FINDINGS));
        await store.transaction((tx) => apply(tx, asset, `scan-2-${asset}`, FINDINGS.slice(1)));
        for (const f of FINDINGS) {
          const [now, before] = [findingKey(asset, f), findingIdentityHash(asset, f).slice(0, 40)];
          await store.exec("UPDATE finding_events SET finding_key = $2 WHERE finding_key = $1", [
            now,
            before,
          ]);
          await store.exec("UPDATE findings SET key = $2 WHERE key = $1", [now, before]);
        }
      }

      await migrate(store, "server", serverMigrations);

      const rows = await store.query<{ key: string; asset: string; rule_id: string; state: string }>(
        "SELECT key, asset, rule_id, state FROM findings ORDER BY key",
      );
      const expected = ASSETS.flatMap((asset) =>
        FINDINGS.map((f) => ({
          key: findingKey(asset, f),
          asset,
          rule_id: f.id,
          state: f.id === "CVE-1" ? "fixed" : "open",
        })),
      ).sort((a, b) => a.key.localeCompare(b.key));
      expect(rows).toEqual(expected);
      const history = await store.query<{ finding_key: string; event: string }>(
        "SELECT finding_key, event FROM finding_events ORDER BY finding_key, at, event",
      );
      expect(history.filter((h) => h.finding_key === findingKey(ASSETS[0]!, FINDINGS[0]!))).toEqual([
        { finding_key: findingKey(ASSETS[0]!, FINDINGS[0]!), event: "first_seen" },
        { finding_key: findingKey(ASSETS[0]!, FINDINGS[0]!), event: "fixed" },
      ]);
      expect(history.every((h) => rows.some((r) => r.key === h.finding_key))).toBe(true);
      expect(history).toHaveLength(8);

      // The same scan again: the stored findings are recognised (one reopened, none new).
      const again = await store.transaction((tx) => apply(tx, ASSETS[0]!, "scan-3", FINDINGS));
      expect(again).toEqual({ new: 0, reopened: 1, fixed: 0, unchanged: 2 });
    } finally {
      await store.close();
    }
  });
});
