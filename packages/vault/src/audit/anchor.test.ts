/**
 * The audit log's anchor in the store: cutting lines from the end or the start, or rewriting
 * the file with a freshly computed chain, is detected at start-up (the vault refuses to open)
 * and by `bulwark vault audit verify`; a forged anchor fails its MAC. Appends never write the
 * store themselves: the anchor is batched.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { openVault } from "../open.js";
import { vaultMigrations } from "../storage/migrations.js";
import { migrate, openStore } from "../store.js";
import { bootstrap } from "../testing/bootstrap.js";
import { rawRequest } from "../testing/raw.js";
import { startInProcess, tempDataDir, type InProcessVault } from "../testing/server.js";
import { AuditAnchor, checkAnchor, readAnchor } from "./anchor.js";
import { AuditLog, GENESIS, verifyAuditLog } from "./log.js";

const execFileP = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, "../../../..");

const running: InProcessVault[] = [];
afterEach(async () => {
  for (const v of running.splice(0)) await v.stop().catch(() => undefined);
});

/** A vault that served some requests and was stopped (closing anchors the log's end). */
async function usedVault(keyFile?: Buffer): Promise<{ dataDir: string; log: string }> {
  const v = await startInProcess();
  const { root } = await bootstrap(v.url);
  for (let i = 0; i < 5; i++)
    await rawRequest(v.url, "POST", `/v1/secret/data/a${i}`, {
      token: root,
      body: JSON.stringify({ data: { v: `value-${i}` } }),
    });
  if (keyFile)
    expect(
      (
        await rawRequest(v.url, "PUT", "/v1/sys/bulwark/unseal-methods/key-file", {
          token: root,
          body: JSON.stringify({ key_file: keyFile.toString("base64") }),
        })
      ).status,
    ).toBe(204);
  await v.stop();
  return { dataDir: v.dataDir, log: join(v.dataDir, "vault-audit.log") };
}

const linesOf = (file: string): string[] => readFileSync(file, "utf8").trimEnd().split("\n");
const writeLines = (file: string, lines: string[]): void => writeFileSync(file, lines.join("\n") + "\n");

/** Recomputes every hash: a rewritten log whose chain verifies on its own. */
function rechain(lines: string[]): string[] {
  let prev = GENESIS;
  return lines.map((l) => {
    const { hash: _h, ...rest } = JSON.parse(l) as Record<string, unknown>;
    const body = JSON.stringify({ ...rest, prev });
    const hash = createHash("sha256").update(prev).update("\n").update(body).digest("hex");
    prev = hash;
    return JSON.stringify({ ...JSON.parse(body), hash });
  });
}

async function reopenFails(dataDir: string): Promise<string> {
  try {
    const v = await openVault({ dataDir });
    await v.close();
    return "opened";
  } catch (e) {
    return (e as Error).message;
  }
}

async function anchorOf(dataDir: string, log: string): Promise<ReturnType<typeof readAnchor>> {
  const store = await openStore({ dataDir });
  try {
    return await readAnchor(store, log);
  } finally {
    await store.close();
  }
}

describe("audit anchor", () => {
  it("records the log's end on close; an intact log reopens", async () => {
    const { dataDir, log } = await usedVault();
    const a = await anchorOf(dataDir, log);
    expect(a).toMatchObject({ lines: linesOf(log).length, bytes: readFileSync(log).length });
    expect(checkAnchor(log, a, true)).toEqual({ ok: true, lines: linesOf(log).length });
    expect(await reopenFails(dataDir)).toBe("opened");
  }, 60_000);

  it("a cut tail passes the chain check but not the anchor; the vault refuses to open", async () => {
    const { dataDir, log } = await usedVault();
    writeLines(log, linesOf(log).slice(0, -2));
    expect(verifyAuditLog(log).ok).toBe(true); // the gap the anchor closes
    expect(checkAnchor(log, await anchorOf(dataDir, log), true)).toMatchObject({ ok: false });
    expect(await reopenFails(dataDir)).toMatch(/truncated or replaced; run "bulwark vault audit verify"/);
  }, 60_000);

  it("a cut head or a same-size edit, re-chained so the chain verifies, is detected", async () => {
    const { dataDir, log } = await usedVault();
    const lines = linesOf(log);
    writeLines(log, rechain(lines.slice(3)));
    expect(verifyAuditLog(log).ok).toBe(true);
    expect(checkAnchor(log, await anchorOf(dataDir, log), true)).toMatchObject({ ok: false });
    expect(await reopenFails(dataDir)).toMatch(/truncated or replaced/);

    const edited = rechain(lines.map((l) => l.replace("secret/data/a1", "secret/data/a9")));
    writeLines(log, edited);
    expect(readFileSync(log).length).toBe(lines.join("\n").length + 1);
    expect(verifyAuditLog(log).ok).toBe(true);
    expect(await reopenFails(dataDir)).toMatch(/is not the line the anchor recorded: the log was rewritten/);
  }, 60_000);

  it("appends never write the store; the batch writes one anchor", async () => {
    const dataDir = tempDataDir();
    const store = await openStore({ dataDir });
    await migrate(store, "vault", vaultMigrations);
    const log = new AuditLog(join(dataDir, "a.log"));
    const anchor = await AuditAnchor.attach(store, log);
    anchor.start(3_600_000);
    log.setHmacKey(randomBytes(32));
    let writes = 0;
    const exec = store.exec.bind(store);
    store.exec = ((sql: string, params?: unknown[]) => {
      if (sql.includes("vault_audit_anchor")) writes++;
      return exec(sql, params);
    }) as typeof store.exec;
    for (let i = 0; i < 200; i++)
      log.append({ time: "t", type: "request", request: { id: `r${i}`, operation: "read", path: "p" } });
    expect(writes).toBe(0);
    await anchor.flush();
    expect(writes).toBe(1);
    expect(await readAnchor(store, log.file)).toMatchObject({ lines: 200 });
    log.setHmacKey(undefined); // sealing anchors nothing new: the position did not move
    await anchor.stop();
    expect(writes).toBe(1);
    log.close();
    await store.close();
  });

  it("audit verify: ok with MAC, TRUNCATED after a cut, TAMPERED with a forged anchor", async () => {
    const key = randomBytes(32);
    const { dataDir, log } = await usedVault(key);
    const keyFile = join(dataDir, "unseal.key");
    writeFileSync(keyFile, key, { mode: 0o400 });
    const verify = (): Promise<{ stdout: string; code: number }> =>
      execFileP(
        process.execPath,
        [
          "--import",
          "tsx",
          join(repoRoot, "packages/cli/src/bin.ts"),
          "vault",
          "audit",
          "verify",
          "--data-dir",
          dataDir,
          "--unseal-key-file",
          keyFile,
        ],
        { cwd: repoRoot },
      ).then(
        (r) => ({ stdout: r.stdout, code: 0 }),
        (e: { stdout: string; code: number }) => e,
      );
    const good = await verify();
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/chain intact; anchor at line \d+ matches, MAC verified/);

    const lines = linesOf(log);
    writeLines(log, lines.slice(0, -1));
    const cut = await verify();
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/TRUNCATED: the log is \d+ bytes but the store's anchor records/);

    // an attacker lowers the anchor to match the cut log, without the audit key
    const store = await openStore({ dataDir });
    const last = JSON.parse(lines[lines.length - 2]!) as { hash: string };
    await store.exec("UPDATE vault_audit_anchor SET lines = $1, bytes = $2, hash = $3", [
      lines.length - 1,
      readFileSync(log).length,
      last.hash,
    ]);
    await store.close();
    const forged = await verify();
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/TAMPERED: the store's anchor record fails its MAC/);
  }, 600_000);
});
