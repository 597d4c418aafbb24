/**
 * A real sshd (Debian openssh-server) on loopback with its own host key, authorized keys
 * and log file (`sshd -E`): one key login, one refused key, one unknown user. The logins
 * are read back from sshd's log and from the node's wtmp/btmp (sshd writes those itself).
 * Every wait polls a condition; nothing depends on timing.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../testkit/paths.js";
import { collectLogins } from "./collect.js";
import type { LoginEvent } from "./types.js";

const SSHD = "/usr/sbin/sshd";
const missing = [
  !existsSync(SSHD) && "sshd (apt-get install openssh-server)",
  !hasCommand("ssh") && "ssh",
  !hasCommand("ssh-keygen") && "ssh-keygen",
  process.getuid?.() !== 0 && "root (sshd must run as root)",
].filter(Boolean);

function hasCommand(c: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${c}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const freePort = (): Promise<number> =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

function ssh(
  dir: string,
  key: string,
  user: string,
  port: number,
  cmd: string[],
  tty = false,
): Promise<{ code: number; out: string }> {
  const args = [
    ...(tty ? ["-tt"] : []),
    "-i",
    join(dir, key),
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    `UserKnownHostsFile=${join(dir, "known_hosts")}`,
    "-p",
    String(port),
    `${user}@127.0.0.1`,
    ...cmd,
  ];
  return new Promise((done) =>
    execFile("ssh", args, (err, stdout) => done({ code: err ? Number(err.code ?? 1) : 0, out: stdout })),
  );
}

describe.skipIf(missing.length > 0)(
  `real sshd on loopback (skipped without: ${missing.join(", ") || "-"})`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-sshd-"));
    const log = join(dir, "sshd.log");
    let sshd: ChildProcess | undefined;
    let port = 0;
    const start = Date.now() - 2_000;

    beforeAll(async () => {
      for (const k of ["hostkey", "userkey", "otherkey"])
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, k)]);
      writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "userkey.pub")), { mode: 0o600 });
      mkdirSync("/run/sshd", { recursive: true });
      // A port can be taken between probing and binding; try a few.
      for (let attempt = 0; attempt < 5 && !sshd; attempt++) {
        port = await freePort();
        writeFileSync(
          join(dir, "sshd_config"),
          [
            "ListenAddress 127.0.0.1",
            `Port ${port}`,
            `HostKey ${join(dir, "hostkey")}`,
            `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            `PidFile ${join(dir, "sshd.pid")}`,
            "",
          ].join("\n"),
        );
        const child = spawn(SSHD, ["-D", "-f", join(dir, "sshd_config"), "-E", log], { stdio: "ignore" });
        const exited = new Promise<string>((ok) => child.on("exit", () => ok("exited")));
        const state = await until("sshd to listen or fail", async () => {
          const text = existsSync(log) ? readFileSync(log, "utf8") : "";
          if (text.includes(`Server listening on 127.0.0.1 port ${port}.`)) return "listening";
          return Promise.race([exited, Promise.resolve(undefined)]);
        });
        if (state === "listening") sshd = child;
      }
      if (!sshd) throw new Error(`sshd did not start: ${readFileSync(log, "utf8")}`);
    });

    afterAll(async () => {
      if (sshd?.pid && sshd.exitCode === null) {
        const gone = new Promise((ok) => sshd!.on("exit", ok));
        sshd.kill("SIGTERM");
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it("a key login, a refused key and an unknown user are read back from sshd's log and wtmp", async () => {
      // -tt: a pty session, which sshd records in wtmp.
      const ok = await ssh(dir, "userkey", "root", port, ["echo", "client=$SSH_CLIENT"], true);
      expect(ok.code).toBe(0);
      const clientPort = Number(/client=127\.0\.0\.1 (\d+)/.exec(ok.out)?.[1]);
      expect(clientPort).toBeGreaterThan(0);
      expect((await ssh(dir, "otherkey", "root", port, ["true"])).code).not.toBe(0);
      expect((await ssh(dir, "otherkey", "nosuch-bulwark", port, ["true"])).code).not.toBe(0);

      const fromLog = await until("the three logins in sshd's log", async () => {
        const events = await collectLogins({ authLogs: [log], journal: false });
        const login = events.find((e) => e.kind === "ssh-login" && e.port === clientPort);
        const refused = events.find((e) => e.kind === "ssh-failure" && e.user === "root");
        const unknown = events.find((e) => e.kind === "ssh-failure" && e.user === "nosuch-bulwark");
        return login && refused && unknown ? { login, refused, unknown } : undefined;
      });
      expect(fromLog.login).toMatchObject({
        user: "root",
        from: "127.0.0.1",
        method: "publickey",
        source: "auth.log",
      });
      expect(fromLog.login.key).toMatch(/^ED25519 SHA256:/);
      expect(fromLog.unknown.invalidUser).toBe(true);

      // sshd records the pty session in the node's wtmp before the remote command runs.
      const wtmp = await until("the login in wtmp", async () =>
        (await collectLogins({ authLogs: [], wtmp: "/var/log/wtmp", journal: false })).find(
          (e: LoginEvent) => e.user === "root" && e.from === "127.0.0.1" && Date.parse(e.time!) >= start,
        ),
      );
      expect(wtmp).toMatchObject({ kind: "ssh-login", source: "wtmp" });
      expect(wtmp.tty).toMatch(/^pts\//);
    });

    it("bulwark runtime logins prints them (json)", async () => {
      const out = await new Promise<string>((done, fail) =>
        execFile(
          process.execPath,
          [
            "--import",
            "tsx",
            resolve(REPO_ROOT, "packages/cli/src/bin.ts"),
            "runtime",
            "logins",
            "--auth-log",
            log,
            "--format",
            "json",
          ],
          { cwd: REPO_ROOT },
          (err, stdout) => (err ? fail(err) : done(stdout)),
        ),
      );
      const kinds = out
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as LoginEvent).kind);
      expect(kinds).toContain("ssh-login");
      expect(kinds.filter((k) => k === "ssh-failure").length).toBeGreaterThanOrEqual(2);
    });
  },
);
