import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditLog, verifyAuditLog } from "./log.js";

function entry(i: number, data?: Record<string, string>): Parameters<AuditLog["append"]>[0] {
  return {
    time: new Date(0).toISOString(),
    type: "request",
    request: { id: `r${i}`, operation: "update", path: `secret/data/p${i}`, data },
  };
}

function writeLog(n: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "vault-audit-")), "audit.log");
  const log = new AuditLog(file);
  log.setHmacKey(Buffer.alloc(32, 1));
  for (let i = 0; i < n; i++) log.append(entry(i, log.hmacData({ password: "hunter2-plain" })));
  return file;
}

describe("audit log", () => {
  it("verifies an intact chain, also across reopen", () => {
    const file = writeLog(5);
    const again = new AuditLog(file);
    again.append(entry(99));
    expect(verifyAuditLog(file)).toEqual({ ok: true, lines: 6 });
  });

  it("never contains a value in plaintext", () => {
    const text = readFileSync(writeLog(3), "utf8");
    expect(text).not.toContain("hunter2-plain");
    expect(text).toContain("hmac-sha256:");
  });

  it("detects an edited, deleted, reordered or inserted line", () => {
    const file = writeLog(5);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    const check = (ls: string[]): ReturnType<typeof verifyAuditLog> => {
      writeFileSync(file, ls.join("\n") + "\n");
      return verifyAuditLog(file);
    };
    expect(
      check(lines.map((l, i) => (i === 2 ? l.replace("secret/data/p2", "secret/data/pX") : l))),
    ).toMatchObject({ ok: false, badLine: 3 });
    expect(check(lines.filter((_, i) => i !== 1))).toMatchObject({ ok: false, badLine: 2 });
    expect(check([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)])).toMatchObject({
      ok: false,
      badLine: 2,
    });
    expect(check([...lines.slice(0, 2), "{}", ...lines.slice(2)])).toMatchObject({ ok: false, badLine: 3 });
    expect(check(lines)).toEqual({ ok: true, lines: 5 });
  });

  it("fails closed when the log cannot be written", () => {
    const dir = mkdtempSync(join(tmpdir(), "vault-audit-"));
    // we run as root, which ignores directory modes; a path under a regular file is unwritable for anyone
    writeFileSync(join(dir, "file"), "x");
    const blocked = new AuditLog(join(dir, "file", "audit.log"));
    expect(() => blocked.append(entry(1))).toThrow(/audit log write failed/);
  });
});
