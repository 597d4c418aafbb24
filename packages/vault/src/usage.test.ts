import { describe, expect, it } from "vitest";
import { openVault } from "./open.js";
import { tempDataDir } from "./testing/server.js";
import { UsageTracker, type VaultAlert } from "./usage.js";

describe("usage supervision", () => {
  it("alerts on an identity's first read of a secret, counts the rest", async () => {
    const v = await openVault({ dataDir: tempDataDir() });
    try {
      const alerts: VaultAlert[] = [];
      const usage = new UsageTracker(v.store, (a) => alerts.push(a));
      for (let i = 0; i < 3; i++) await usage.record("secret", "app/db", "approle:web");
      await usage.record("secret", "app/db", "token:abc");
      await usage.record("secret", "other", "approle:web");
      expect(alerts.map((a) => [a.identity, a.path])).toEqual([
        ["approle:web", "app/db"],
        ["token:abc", "app/db"],
        ["approle:web", "other"],
      ]);
      await usage.flush();
      const rows = await v.store.query<{ identity: string; path: string; reads: number }>(
        "SELECT identity, path, reads FROM vault_access ORDER BY path, identity",
      );
      expect(rows).toEqual([
        { identity: "approle:web", path: "app/db", reads: 3 },
        { identity: "token:abc", path: "app/db", reads: 1 },
        { identity: "approle:web", path: "other", reads: 1 },
      ]);
      // a restarted tracker knows the reader from the table: no second alert
      const again = new UsageTracker(v.store, (a) => alerts.push(a));
      await again.record("secret", "app/db", "approle:web");
      expect(alerts).toHaveLength(3);
    } finally {
      await v.close();
    }
  });
});
