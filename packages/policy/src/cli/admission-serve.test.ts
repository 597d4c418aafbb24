import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort, selfSignedCert } from "../testing/deps.js";

// The real CLI in a child process (`node --import tsx src/cli/bin.ts admission serve`), probed with
// curl over TLS, then stopped with SIGTERM.
const tsx = fileURLToPath(import.meta.resolve("tsx"));
const bin = resolve(fileURLToPath(import.meta.url), "../../../../../packages/cli/src/bin.ts");
const haveTools = ["openssl", "curl"].every((t) => {
  try {
    execFileSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(!haveTools)("bulwark admission serve (child process)", () => {
  it("serves /healthz over TLS with a catalog store and exits 0 on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-admission-serve-"));
    const { certFile, keyFile } = selfSignedCert(dir, "webhook", "127.0.0.1");
    writeFileSync(
      join(dir, "p.yaml"),
      "apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nmetadata: { name: p }\nspec:\n  requireDigest: true\n",
    );
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        "--import",
        tsx,
        bin,
        "admission",
        "serve",
        "--policy",
        join(dir, "p.yaml"),
        "--tls-cert",
        certFile,
        "--tls-key",
        keyFile,
      ].concat(["--listen", `127.0.0.1:${port}`, "--data-dir", join(dir, "data")]),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let done = false;
    const exited = new Promise<number | null>((r) =>
      child.on("exit", (code) => {
        done = true;
        r(code);
      }),
    );
    // tsx compiles the whole CLI on start: 17 s alone on a 2-core machine, more beside other
    // test files. Wait for the line (or the child's exit) up to a hang guard of 180 s.
    for (let i = 0; i < 900 && !done && !stderr.includes("admission webhook on"); i++)
      await new Promise((r) => setTimeout(r, 200));
    expect(stderr).toContain(`admission webhook on https://127.0.0.1:${port}`);
    const health = execFileSync("curl", [
      "-sS",
      "--cacert",
      certFile,
      `https://127.0.0.1:${port}/healthz`,
    ]).toString();
    expect(JSON.parse(health)).toEqual({ ok: true });
    // A second TLS client (node https, trusting only this certificate) gets the same answer.
    const plain = await new Promise<string>((r) => {
      get(`https://127.0.0.1:${port}/healthz`, { ca: readFileSync(certFile) }, (res) =>
        r(String(res.statusCode)),
      ).on("error", (e) => r(e.message));
    });
    expect(plain).toBe("200");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("admission: stopped");
  });
});
