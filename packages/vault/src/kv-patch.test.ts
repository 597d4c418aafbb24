/**
 * KV v2 PATCH (Vault 1.9+ semantics) with the real clients: Python hvac (Debian python3-hvac:
 * its client-side patch and a server-side merge patch through its adapter) and npm node-vault
 * (`update`, which sends PATCH with application/merge-patch+json).
 */
import nodeVault from "node-vault";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "./audit/log.js";
import { bootstrap } from "./testing/bootstrap.js";
import { rawRequest } from "./testing/raw.js";
import { startInProcess, type InProcessVault } from "./testing/server.js";

const execFileP = promisify(execFile);
const PYTHON = "/usr/bin/python3";
const hasHvac = existsSync("/usr/lib/python3/dist-packages/hvac");
const MARK = `patch-plain-${Date.now()}-zq`;

let v: InProcessVault;
let root: string;
beforeAll(async () => {
  v = await startInProcess();
  ({ root } = await bootstrap(v.url));
}, 60_000);
afterAll(async () => v?.stop());

describe.skipIf(!hasHvac)("KV PATCH with hvac (python3-hvac)", () => {
  let obs: Record<string, unknown>;
  beforeAll(async () => {
    // async execFile: the server runs in this process and must keep serving
    const { stdout } = await execFileP(PYTHON, [
      join(import.meta.dirname, "testing/hvac_patch.py"),
      v.url,
      root,
      MARK,
    ]);
    obs = (JSON.parse(stdout) as { observations: Record<string, unknown> }).observations;
  }, 120_000);

  it("client-side and server-side patches merge, null removes a field, CAS applies", () => {
    expect(obs["client_patch"]).toEqual({ user: "svc", key: `${MARK}-2`, region: "eu" });
    expect(obs["client_patch_version"]).toBe(2);
    expect(obs["server_patch_version"]).toBe(3);
    expect(obs["server_patch"]).toEqual({ user: "svc", key: `${MARK}-3` });
    expect(obs["cas_conflict"]).toMatch(/^check-and-set parameter did not match the current version/);
    expect(obs["missing"]).toBe("404");
    expect(obs["wrong_type"]).toMatch(/PATCH requires Content-Type application\/merge-patch\+json/);
  });

  it("needs the patch capability; metadata patch merges custom_metadata", () => {
    expect(obs["policy_upd"]).toMatch(/^permission denied/);
    expect(obs["policy_pat"]).toBe("ok");
    expect(obs["meta_custom"]).toEqual({ owner: "team-a", env: "prod" });
    expect(obs["meta_max_versions"]).toBe(7);
  });
});

describe("KV PATCH with node-vault", () => {
  it("update merges into a new version; deleted or missing secrets are 404", async () => {
    const c = nodeVault({ endpoint: v.url, token: root });
    await c.write("secret/data/nv/db", { data: { user: "app", password: `${MARK}-a`, host: "db1" } });
    const res = (await c.update("secret/data/nv/db", { data: { password: `${MARK}-b`, host: null } })) as {
      data: { version: number };
    };
    expect(res.data.version).toBe(2);
    expect((await c.read("secret/data/nv/db")).data.data).toEqual({ user: "app", password: `${MARK}-b` });
    expect((await c.read("secret/data/nv/db?version=1")).data.data.host).toBe("db1");

    const cas = await c
      .update("secret/data/nv/db", { data: { x: "y" }, options: { cas: 1 } })
      .catch((e: Error) => e);
    expect((cas as Error).message).toMatch(/check-and-set parameter did not match/);
    const bad = await c.update("secret/data/nv/db", { data: "not an object" }).catch((e: Error) => e);
    expect((bad as Error).message).toMatch(/data must be a JSON object/);

    await c.delete("secret/data/nv/db");
    const gone = await c
      .update("secret/data/nv/db", { data: { x: "y" } })
      .catch((e: { response?: { statusCode?: number } }) => e);
    expect((gone as { response?: { statusCode?: number } }).response?.statusCode).toBe(404);
    const missing = await c
      .update("secret/data/nv/nothing", { data: { x: "y" } })
      .catch((e: { response?: { statusCode?: number } }) => e);
    expect((missing as { response?: { statusCode?: number } }).response?.statusCode).toBe(404);
  });

  it("a plain JSON PATCH is 415; path traversal is 400; nothing is written in plaintext", async () => {
    const plain = await rawRequest(v.url, "PATCH", "/v1/secret/data/nv/db", {
      token: root,
      body: JSON.stringify({ data: { x: "y" } }),
    });
    expect(plain.status).toBe(415);
    const meta = await rawRequest(v.url, "GET", "/v1/secret/metadata/nv/db", { token: root });
    expect((meta.json?.data as { current_version: number }).current_version).toBe(2);
    // raw: the clients normalise ".." away before sending
    const trav = await rawRequest(v.url, "PATCH", "/v1/secret/data/nv/../x", {
      token: root,
      body: JSON.stringify({ data: { x: "y" } }),
      contentType: "application/merge-patch+json",
    });
    expect(trav.status).toBe(400);
    expect(trav.json?.errors).toEqual(["invalid path: '.' and '..' segments are not allowed"]);
    const audit = readFileSync(v.vault.auditFile, "utf8");
    expect(audit).not.toContain(MARK);
    expect(verifyAuditLog(v.vault.auditFile).ok).toBe(true);
  });
});
