/** Test helpers: a vault in this process, or `bulwark vault serve` as a child process. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startHttp } from "../http/server.js";
import { openVault, type OpenedVault } from "../open.js";

export interface InProcessVault {
  url: string;
  dataDir: string;
  vault: OpenedVault;
  stop(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "bulwark-vault-"));
}

export async function startInProcess(dataDir = tempDataDir(), databaseUrl?: string): Promise<InProcessVault> {
  const vault = await openVault({ dataDir, databaseUrl });
  const http = await startHttp(vault.core);
  return {
    url: `http://127.0.0.1:${http.port}`,
    dataDir,
    vault,
    stop: async () => {
      await http.close();
      await vault.close();
    },
  };
}

const repoRoot = resolve(import.meta.dirname, "../../../..");

export interface ChildVault {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Runs `bulwark vault serve` through tsx on a free port and waits for its listening line. */
export async function startChild(dataDir: string, extra: string[] = []): Promise<ChildVault> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(repoRoot, "packages/cli/src/bin.ts"),
      "vault",
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--data-dir",
      dataDir,
      ...extra,
    ],
    {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
    void exited.then((code) => reject(new Error(`vault serve exited ${code}: ${stderr}`)));
  });
  return { url, child, exited };
}
