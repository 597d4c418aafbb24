/** `bulwark vault status`: secrets past their rotation age and secrets nobody read, from metadata only. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/src/testutil/cli.js";
import { overdueSecrets } from "./status.js";
import { bootstrap } from "./testing/bootstrap.js";
import { rawRequest } from "./testing/raw.js";
import { startInProcess, type InProcessVault } from "./testing/server.js";

describe("vault status", () => {
  let v: InProcessVault;
  let root: string;

  beforeAll(async () => {
    v = await startInProcess();
    ({ root } = await bootstrap(v.url));
    const post = (path: string, body: unknown): ReturnType<typeof rawRequest> =>
      rawRequest(v.url, "POST", `/v1/secret/${path}`, { token: root, body: JSON.stringify(body) });
    await post("data/db", { data: { password: "status-db-value" } });
    await post("metadata/db", { custom_metadata: { rotate_after: "24h" } });
    await post("data/api", { data: { key: "status-api-value" } });
    await post("metadata/api", { custom_metadata: { rotate_after: "720h" } });
    await post("data/unused", { data: { key: "status-unused-value" } });
  });
  afterAll(async () => v?.stop());

  it("lists overdue and unread secrets at a given time", async () => {
    await rawRequest(v.url, "GET", "/v1/secret/data/db", { token: root });
    await v.vault.core.flushUsage();
    const twoDays = Date.now() + 2 * 86400_000;
    const rows = await overdueSecrets(v.vault.store, twoDays, 1);
    expect(rows.filter((r) => r.reason === "overdue").map((r) => r.path)).toEqual(["db"]);
    expect(
      rows
        .filter((r) => r.reason === "unread")
        .map((r) => r.path)
        .sort(),
    ).toEqual(["api", "db", "unused"]);
    const now = await overdueSecrets(v.vault.store, Date.now(), 30);
    expect(now).toEqual([]);
  });

  it("the CLI prints the report without values", async () => {
    const res = await runCli([
      "vault",
      "status",
      "--data-dir",
      v.dataDir,
      "--unread-days",
      "0",
      "--format",
      "json",
    ]);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as Array<{ path: string; reason: string }>;
    expect(rows.map((r) => r.path).sort()).toEqual(["api", "db", "unused"]);
    expect(res.stdout).not.toContain("status-");
  });
});
