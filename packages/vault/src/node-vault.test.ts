/**
 * The real npm client node-vault against a Bulwark vault: init/unseal through its commands,
 * KV v2 through its generic read/write/list/delete (LIST sent as the LIST method and as
 * ?list=1), token create with a policy, a denied path, AppRole login.
 */
import nodeVault from "node-vault";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcessVault } from "./testing/server.js";

const MARK = `nv-plain-${Date.now()}-qx`;

async function rejection(p: Promise<unknown>): Promise<{ message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { message: string; response?: { statusCode?: number } };
    return { message: err.message, status: err.response?.statusCode };
  }
  throw new Error("expected the call to fail");
}

describe("node-vault against bulwark vault", () => {
  let v: InProcessVault;
  let root: ReturnType<typeof nodeVault>;

  beforeAll(async () => {
    v = await startInProcess();
    const anon = nodeVault({ endpoint: v.url });
    const init = (await anon.init({ secret_shares: 3, secret_threshold: 2 })) as {
      keys: string[];
      root_token: string;
    };
    expect((await anon.status()).sealed).toBe(true);
    await anon.unseal({ key: init.keys[2]! });
    const st = (await anon.unseal({ key: init.keys[0]! })) as { sealed: boolean };
    expect(st.sealed).toBe(false);
    root = nodeVault({ endpoint: v.url, token: init.root_token });
    await root.mount({ mount_point: "kv", type: "kv", options: { version: "2" } });
  }, 60_000);
  afterAll(async () => v?.stop());

  it("writes, reads versions, lists, CAS conflict, delete/undelete/destroy", async () => {
    await root.write("kv/data/team/a", { data: { token: `${MARK}-1` } });
    await root.write("kv/data/team/a", { data: { token: `${MARK}-2` }, options: { cas: 1 } });
    await root.write("kv/data/team/b", { data: { token: `${MARK}-b` } });
    expect((await root.read("kv/data/team/a")).data.data.token).toBe(`${MARK}-2`);
    expect((await root.read("kv/data/team/a?version=1")).data.data.token).toBe(`${MARK}-1`);
    expect((await root.list("kv/metadata/team")).data.keys).toEqual(["a", "b"]);
    const viaQuery = nodeVault({ endpoint: v.url, token: root.token, noCustomHTTPVerbs: true });
    expect((await viaQuery.list("kv/metadata/")).data.keys).toEqual(["team/"]);
    const cas = await rejection(root.write("kv/data/team/a", { data: { token: "x" }, options: { cas: 1 } }));
    expect(cas).toEqual({
      message: "check-and-set parameter did not match the current version",
      status: 400,
    });
    await root.delete("kv/data/team/a");
    expect((await rejection(root.read("kv/data/team/a"))).status).toBe(404);
    await root.write("kv/undelete/team/a", { versions: [2] });
    expect((await root.read("kv/data/team/a")).data.data.token).toBe(`${MARK}-2`);
    await root.write("kv/destroy/team/a", { versions: [2] });
    expect((await rejection(root.read("kv/data/team/a"))).status).toBe(404);
    const meta = await root.read("kv/metadata/team/a");
    expect(meta.data.versions["2"].destroyed).toBe(true);
    expect(meta.data.versions["1"].destroyed).toBe(false);
  });

  it("token with a policy: allowed path, denied path, then AppRole login", async () => {
    await root.addPolicy({ name: "team-b", rules: 'path "kv/data/team/b" { capabilities = ["read"] }' });
    // node-vault makes the created token the client's own (tokenSource), so create it on a copy
    const creator = nodeVault({ endpoint: v.url, token: root.token });
    const created = await creator.tokenCreate({ policies: ["team-b"], ttl: "15m" });
    const limited = nodeVault({ endpoint: v.url, token: created.auth.client_token });
    expect((await limited.read("kv/data/team/b")).data.data.token).toBe(`${MARK}-b`);
    expect(await rejection(limited.read("kv/data/team/a"))).toEqual({
      message: "permission denied",
      status: 403,
    });
    expect((await limited.tokenLookupSelf()).data.policies).toEqual(["default", "team-b"]);

    await root.enableAuth({ mount_point: "approle", type: "approle" });
    await root.addApproleRole({ role_name: "ci", policies: "team-b" });
    const roleId = (await root.getApproleRoleId({ role_name: "ci" })).data.role_id as string;
    const secretId = (await root.getApproleRoleSecret({ role_name: "ci" })).data.secret_id as string;
    const robot = nodeVault({ endpoint: v.url });
    await robot.approleLogin({ role_id: roleId, secret_id: secretId });
    expect((await robot.read("kv/data/team/b")).data.data.token).toBe(`${MARK}-b`);
    expect((await rejection(robot.read("kv/data/team/a"))).status).toBe(403);
  });

  it("bad input gets Vault-style errors", async () => {
    expect(
      await rejection(root.addPolicy({ name: "bad", rules: 'path "x" { capabilities = "read" ' })),
    ).toMatchObject({ status: 400 });
    expect((await rejection(root.write("kv/data/team/c", { nodata: true }))).message).toBe(
      "no data provided",
    );
    expect(
      await rejection(nodeVault({ endpoint: v.url, token: "hvs.not-a-token" }).read("kv/data/team/b")),
    ).toEqual({
      message: "permission denied",
      status: 403,
    });
  });

  it("nothing written appears in plaintext on disk", () => {
    const blob = Buffer.concat(readdirSync(v.dataDir).map((f) => readFileSync(join(v.dataDir, f))));
    for (const s of [`${MARK}-1`, `${MARK}-2`, `${MARK}-b`])
      expect(blob.includes(Buffer.from(s)), s).toBe(false);
  });
});
