/**
 * Passphrase (Argon2id) and key-file unsealing: over HTTP on an in-process vault, and through
 * `bulwark vault init` + `bulwark vault serve --unseal-…-file` as real processes. A wrong
 * passphrase or key file leaves the vault sealed and the stored wrapping untouched.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "./testing/bootstrap.js";
import { initVault, unsealFromFiles } from "./cli/unseal.js";
import { openVault } from "./open.js";
import { unsealWithSecret } from "./unseal.js";
import { rawRequest } from "./testing/raw.js";
import {
  startChild,
  startInProcess,
  tempDataDir,
  type ChildVault,
  type InProcessVault,
} from "./testing/server.js";

const execFileP = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, "../../..");
const PASSPHRASE = "correct horse battery staple";

const sealed = async (url: string): Promise<boolean> =>
  (await rawRequest(url, "GET", "/v1/sys/seal-status")).json?.["sealed"] as boolean;

describe("passphrase unseal over HTTP", () => {
  let v: InProcessVault;
  let root: string;
  beforeAll(async () => {
    v = await startInProcess();
    ({ root } = await bootstrap(v.url));
    await rawRequest(v.url, "POST", "/v1/secret/data/app/db", {
      token: root,
      body: JSON.stringify({ data: { password: "pw-before-seal" } }),
    });
  }, 60_000);
  afterAll(() => v.stop());

  it("refuses a short passphrase and needs sudo", async () => {
    const short = await rawRequest(v.url, "PUT", "/v1/sys/bulwark/unseal-methods/passphrase", {
      token: root,
      body: JSON.stringify({ passphrase: "short" }),
    });
    expect(short.status).toBe(400);
    expect(short.json?.errors?.[0]).toMatch(/passphrase too short/);
    const anon = await rawRequest(v.url, "PUT", "/v1/sys/bulwark/unseal-methods/passphrase", {
      body: JSON.stringify({ passphrase: PASSPHRASE }),
    });
    expect(anon.status).toBe(403);
  });

  it("unseals with the right passphrase only; a wrong one changes nothing", async () => {
    const set = await rawRequest(v.url, "PUT", "/v1/sys/bulwark/unseal-methods/passphrase", {
      token: root,
      body: JSON.stringify({ passphrase: PASSPHRASE }),
    });
    expect(set.status).toBe(204);
    const list = await rawRequest(v.url, "GET", "/v1/sys/bulwark/unseal-methods", { token: root });
    expect((list.json?.data as { keys: string[] }).keys).toEqual(["passphrase"]);
    const rowBefore = await v.vault.store.query("SELECT * FROM vault_unseal_methods");
    expect(JSON.stringify(rowBefore)).not.toContain(PASSPHRASE);
    expect(JSON.parse((rowBefore[0] as { params: string }).params)).toMatchObject({
      alg: "argon2id",
      m: 65536,
      t: 3,
      p: 1,
    });

    expect((await rawRequest(v.url, "PUT", "/v1/sys/seal", { token: root })).status).toBe(204);
    const wrong = await rawRequest(v.url, "PUT", "/v1/sys/unseal", {
      body: JSON.stringify({ passphrase: PASSPHRASE + "!" }),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json?.errors).toEqual(["unseal failed: wrong passphrase"]);
    expect(await sealed(v.url)).toBe(true);
    expect(await v.vault.store.query("SELECT * FROM vault_unseal_methods")).toEqual(rowBefore);

    const right = await rawRequest(v.url, "PUT", "/v1/sys/unseal", {
      body: JSON.stringify({ passphrase: PASSPHRASE }),
    });
    expect(right.status).toBe(200);
    expect(right.json?.["sealed"]).toBe(false);
    const read = await rawRequest(v.url, "GET", "/v1/secret/data/app/db", { token: root });
    expect((read.json?.data as { data: { password: string } }).data.password).toBe("pw-before-seal");
    expect(readFileSync(join(v.dataDir, "vault-audit.log"), "utf8")).not.toContain(PASSPHRASE);
  }, 60_000);

  it("takes one passphrase attempt at a time (each Argon2id run costs 64 MiB)", async () => {
    await rawRequest(v.url, "PUT", "/v1/sys/seal", { token: root });
    // both calls start in the same tick: the second finds the first still deriving
    const first = unsealWithSecret(v.vault.core, "passphrase", Buffer.from("wrong passphrase 1"));
    const second = unsealWithSecret(v.vault.core, "passphrase", Buffer.from("wrong passphrase 2"));
    await expect(second).rejects.toThrow(/another passphrase unseal attempt is in progress/);
    await expect(first).rejects.toThrow(/^unseal failed: wrong passphrase$/);
    expect(await sealed(v.url)).toBe(true);
  }, 60_000);

  it("a missing method is a clear 400", async () => {
    await rawRequest(v.url, "PUT", "/v1/sys/seal", { token: root });
    const res = await rawRequest(v.url, "PUT", "/v1/sys/unseal", {
      body: JSON.stringify({ passphrase: "" }),
    });
    expect(res.status).toBe(400);
    expect(res.json?.errors).toEqual(["missing required 'passphrase' parameter"]);
    expect(await sealed(v.url)).toBe(true);
  });
});

describe("vault init with a key file and a passphrase file, then vault serve --unseal-key-file", () => {
  const children: ChildVault[] = [];
  afterEach(() => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
  });

  const cli = (args: string[]): Promise<{ stdout: string; stderr: string; code: number }> =>
    execFileP(process.execPath, ["--import", "tsx", join(repoRoot, "packages/cli/src/bin.ts"), ...args], {
      cwd: repoRoot,
    }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );

  it("creates the key file, unseals at start with it or the passphrase, refuses a wrong one", async () => {
    const dataDir = tempDataDir();
    const keyFile = join(dataDir, "unseal.key");
    const passFile = join(dataDir, "passphrase");
    writeFileSync(passFile, "too short\n", { mode: 0o600 });
    // `vault init` in-process (the command's own function; the shares go to `write`)
    let printed = "";
    const initOpts = {
      dataDir,
      shares: "1",
      threshold: "1",
      format: "json",
      unsealKeyFile: keyFile,
      unsealPassphraseFile: passFile,
    };
    await expect(initVault(initOpts, (t) => (printed += t))).rejects.toThrow(
      /^passphrase too short: at least 12 characters$/,
    );
    expect(printed).toBe(""); // refused before initialising: no shares were made and lost
    expect(existsSync(keyFile)).toBe(false);
    writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    await initVault(initOpts, (t) => (printed += t));
    const init = { stdout: printed };
    const out = JSON.parse(init.stdout) as { root_token: string; keys: string[]; unseal_methods: string[] };
    expect(out.unseal_methods).toEqual(["passphrase", "key-file"]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o400);
    expect(readFileSync(keyFile).length).toBe(32);

    const byKey = await startChild(dataDir, ["--unseal-key-file", keyFile]);
    children.push(byKey);
    expect(await sealed(byKey.url)).toBe(false);
    const mount = await rawRequest(byKey.url, "POST", "/v1/sys/mounts/secret", {
      token: out.root_token,
      body: JSON.stringify({ type: "kv-v2" }),
    });
    expect(mount.status).toBe(204);
    byKey.child.kill("SIGTERM");
    expect(await byKey.exited).toBe(0);

    const wrongKey = join(dataDir, "wrong.key");
    writeFileSync(wrongKey, randomBytes(32));
    const refused = await cli([
      "vault",
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--data-dir",
      dataDir,
      "--unseal-key-file",
      wrongKey,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim()).toMatch(/unseal failed: wrong key file$/);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    // the rest in-process, through the same function `vault serve` calls (fewer slow process starts)
    const v = await openVault({ dataDir });
    try {
      const tiny = join(dataDir, "tiny.key");
      writeFileSync(tiny, "abc");
      await expect(unsealFromFiles(v.core, { unsealKeyFile: tiny })).rejects.toThrow(
        /holds 3 bytes; at least 32 are needed/,
      );
      expect(await unsealFromFiles(v.core, { unsealPassphraseFile: passFile })).toBe(true);
      expect(v.core.seal.unsealed).toBe(true);
    } finally {
      await v.close();
    }
  }, 600_000);
});
