/**
 * Integrity: a flipped ciphertext byte or a swapped version is rejected, not decrypted;
 * KEK rotation re-wraps every data key and reads keep working; a tampered audit line
 * fails `bulwark vault audit verify`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/src/testutil/cli.js";
import { bootstrap } from "./testing/bootstrap.js";
import { rawRequest } from "./testing/raw.js";
import { startInProcess, type InProcessVault } from "./testing/server.js";

describe("vault integrity", () => {
  let v: InProcessVault;
  let root: string;
  const write = (path: string, data: unknown): ReturnType<typeof rawRequest> =>
    rawRequest(v.url, "POST", `/v1/secret/data/${path}`, { token: root, body: JSON.stringify({ data }) });
  const read = (path: string, version = 0): ReturnType<typeof rawRequest> =>
    rawRequest(v.url, "GET", `/v1/secret/data/${path}${version ? `?version=${version}` : ""}`, {
      token: root,
    });

  beforeAll(async () => {
    v = await startInProcess();
    ({ root } = await bootstrap(v.url));
  });
  afterAll(async () => v?.stop());

  it("a flipped byte in a stored ciphertext is detected", async () => {
    await write("flip", { v: "flip-value-1" });
    const [row] = await v.vault.store.query<{ ciphertext: string }>(
      "SELECT ciphertext FROM vault_kv_versions WHERE path = 'flip'",
    );
    const raw = Buffer.from(row!.ciphertext.slice(3), "base64");
    raw[20]! ^= 0x40;
    await v.vault.store.exec("UPDATE vault_kv_versions SET ciphertext = $1 WHERE path = 'flip'", [
      "g1:" + raw.toString("base64"),
    ]);
    const res = await read("flip");
    expect(res.status).toBe(500);
    expect(res.json?.errors?.[0]).toMatch(/^ciphertext rejected: authentication failed/);
    expect(JSON.stringify(res.json)).not.toContain("flip-value");
  });

  it("a version swapped into another row is detected", async () => {
    await write("swap", { v: "swap-one" });
    await write("swap", { v: "swap-two" });
    const rows = await v.vault.store.query<{ version: number; ciphertext: string; wrapped_key: string }>(
      "SELECT version, ciphertext, wrapped_key FROM vault_kv_versions WHERE path = 'swap' ORDER BY version",
    );
    await v.vault.store.exec(
      "UPDATE vault_kv_versions SET ciphertext = $1, wrapped_key = $2 WHERE path = 'swap' AND version = 2",
      [rows[0]!.ciphertext, rows[0]!.wrapped_key],
    );
    const res = await read("swap");
    expect(res.status).toBe(500);
    expect(res.json?.errors?.[0]).toMatch(/^ciphertext rejected/);
    expect((await read("swap", 1)).json?.data).toMatchObject({ data: { v: "swap-one" } });
  });

  it("KEK rotation re-wraps every data key; every version still reads", async () => {
    for (let i = 0; i < 30; i++) await write(`rot/${i}`, { n: `rot-${i}` });
    const res = await rawRequest(v.url, "POST", "/v1/sys/rotate", { token: root });
    expect(res.status).toBe(200);
    // the swapped row's data key is bound to version 1: it cannot be re-wrapped and is reported
    expect(res.json?.data).toMatchObject({ term: 2, failed: ["secret/swap@2"] });
    const left = await v.vault.store.query<{ path: string; version: number }>(
      "SELECT path, version FROM vault_kv_versions WHERE kek_version <> 2 AND destroyed = 0",
    );
    expect(left).toEqual([{ path: "swap", version: 2 }]);
    for (let i = 0; i < 30; i++)
      expect((await read(`rot/${i}`)).json?.data).toMatchObject({ data: { n: `rot-${i}` } });
  });

  it("a tampered audit line fails `vault audit verify`", async () => {
    const ok = await runCli(["vault", "audit", "verify", "--file", v.vault.auditFile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/chain intact/);
    const lines = readFileSync(v.vault.auditFile, "utf8").split("\n");
    const i = lines.findIndex((l) => l.includes("secret/data/rot/3"));
    lines[i] = lines[i]!.replace("secret/data/rot/3", "secret/data/rot/4");
    writeFileSync(v.vault.auditFile, lines.join("\n"));
    const bad = await runCli(["vault", "audit", "verify", "--file", v.vault.auditFile]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`TAMPERED at line ${i + 1}`);
  });
});
