/**
 * The real Python hvac client (Debian python3-hvac) against a Bulwark vault, then greps
 * the database files and the audit log for every value the script wrote.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "./audit/log.js";
import { startPostgres, type RunningPostgres } from "../../store/src/testing/index.js";
import { startInProcess, type InProcessVault } from "./testing/server.js";

const execFileP = promisify(execFile);
const PYTHON = "/usr/bin/python3";
const hasHvac = existsSync("/usr/lib/python3/dist-packages/hvac");
const MARK = `plain-${Date.now()}-zq`;

/** Every text cell of every vault table, for the plaintext grep on PostgreSQL. */
async function dumpTables(v: InProcessVault): Promise<string> {
  const tables = await v.vault.store.query<{ t: string }>(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_name LIKE 'vault_%'",
  );
  let out = "";
  for (const { t } of tables) out += JSON.stringify(await v.vault.store.query(`SELECT * FROM ${t}`));
  return out;
}

describe.skipIf(!hasHvac).each(["sqlite", "postgres"] as const)(
  "hvac (python3-hvac) against bulwark vault on %s",
  (dialect) => {
    let v: InProcessVault;
    let pg: RunningPostgres | undefined;
    let obs: Record<string, unknown>;
    let root: string;

    beforeAll(async () => {
      if (dialect === "postgres") pg = await startPostgres();
      v = await startInProcess(undefined, pg && (await pg.createDatabase()));
      // async execFile: the server runs in this process and must keep serving
      const { stdout } = await execFileP(PYTHON, [
        join(import.meta.dirname, "testing/hvac_script.py"),
        v.url,
        MARK,
      ]);
      const parsed = JSON.parse(stdout) as { observations: Record<string, unknown>; root: string };
      obs = parsed.observations;
      root = parsed.root;
    }, 120_000);
    afterAll(async () => {
      await v?.stop();
      await pg?.stop();
    });

    it("init, wrong shares, unseal, seal", () => {
      expect(obs["initialized_before"]).toBe(false);
      expect(obs["sealed_after_init"]).toBe(true);
      expect(obs["wrong_shares"]).toMatch(/^unseal failed/);
      expect(obs["sealed_after_wrong"]).toBe(true);
      expect(obs["sealed_after_unseal"]).toBe(false);
      expect(obs["sealed_after_seal"]).toBe(true);
      expect(obs["sealed_read"]).toMatch(/^Vault is sealed/);
    });

    it("KV v2: write, read, versions, list, CAS conflict", () => {
      expect(obs["read_latest"]).toBe(`${MARK}-v2`);
      expect(obs["read_v1"]).toBe(`${MARK}-v1`);
      expect(obs["list_root"]).toEqual(["app/", "other/"]);
      expect(obs["list_app"]).toEqual(["api", "db"]);
      expect(obs["current_version"]).toBe(2);
      expect(obs["versions"]).toEqual(["1", "2"]);
      expect(obs["cas_conflict"]).toMatch(/^check-and-set parameter did not match the current version/);
    });

    it("soft delete, undelete, destroy", () => {
      expect(obs["read_after_delete"]).toBe("404");
      expect(obs["read_after_undelete"]).toBe(`${MARK}-v2`);
      expect(obs["read_destroyed"]).toBe("404");
      expect(obs["destroyed_flag"]).toBe(true);
    });

    it("policies, child token, denied path, revoke", () => {
      expect(obs["bad_policy"]).toMatch(/^failed to parse policy: line 1/);
      expect(obs["child_policies"]).toEqual(["app-read", "default"]);
      expect(obs["child_read"]).toBe(`${MARK}-api`);
      expect(obs["child_denied"]).toMatch(/^permission denied/);
      expect(obs["child_write"]).toMatch(/^permission denied/);
      expect(obs["lookup_self_ttl_le_3600"]).toBe(true);
      expect(obs["revoked_read"]).toMatch(/^permission denied/);
    });

    it("AppRole login", () => {
      expect(obs["approle_policies"]).toEqual(["app-read", "default"]);
      expect(obs["approle_read"]).toBe(`${MARK}-api`);
      expect(obs["approle_bad_login"]).toMatch(/^invalid role or secret ID/);
    });

    it("response wrapping: one-time delivery", () => {
      expect(obs["wrapped_has_data"]).toBe(false);
      expect(obs["unwrapped"]).toBe(`${MARK}-api`);
      expect(obs["unwrap_twice"]).toMatch(/^wrapping token is not valid or does not exist/);
    });

    it("no value or root token appears in the database (files, or every PostgreSQL vault table) or the audit log", async () => {
      const files = readdirSync(v.dataDir).map((f) => join(v.dataDir, f));
      expect(files.some((f) => f.endsWith("bulwark.db"))).toBe(dialect === "sqlite");
      expect(files.some((f) => f.endsWith("vault-audit.log"))).toBe(true);
      const blob = Buffer.concat([
        ...files.map((f) => readFileSync(f)),
        Buffer.from(dialect === "postgres" ? await dumpTables(v) : ""),
      ]);
      if (dialect === "postgres") expect(blob.includes(Buffer.from("g1:"))).toBe(true);
      for (const needle of [MARK, `${MARK}-v1`, `${MARK}-v2`, `${MARK}-api`, `${MARK}-other`, root])
        expect(blob.includes(Buffer.from(needle)), needle).toBe(false);
      expect(readFileSync(v.vault.auditFile, "utf8")).toContain("hmac-sha256:");
      expect(verifyAuditLog(v.vault.auditFile).ok).toBe(true);
    });
  },
);
