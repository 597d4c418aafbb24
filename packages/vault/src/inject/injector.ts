/**
 * `bulwark vault inject`: secrets rendered into a tmpfs that is bind-mounted into a
 * container (runc/Docker). Values travel only vault → tmpfs file; they never appear in the
 * container's config.json, environment or our logs. With `watch`, a new secret version
 * (rotation) re-renders the files in place.
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { promisify } from "node:util";
import { vaultCall, type ClientOpts } from "../http/client.js";
import { VaultError, invalid } from "../errors.js";
import { renderFiles, writeSecretFile } from "./render.js";

const execFileP = promisify(execFile);

export interface InjectSpec extends ClientOpts {
  /** MOUNT/PATH of a KV v2 secret. */
  secret: string;
  dest: string;
  uid: number;
  gid: number;
  template?: { text: string; file: string };
}

export class Injector {
  private version = 0;
  private mounted = false;

  constructor(private readonly spec: InjectSpec) {
    if (!/^[^/]+\/.+/.test(spec.secret)) throw invalid(`expected MOUNT/PATH, got "${spec.secret}"`);
  }

  /** A small tmpfs on `dest`: secrets never touch a disk. Needs root (CAP_SYS_ADMIN). */
  async mountTmpfs(): Promise<void> {
    mkdirSync(this.spec.dest, { recursive: true, mode: 0o700 });
    try {
      await execFileP("mount", [
        "-t",
        "tmpfs",
        "-o",
        "size=4m,mode=0711,nosuid,nodev,noexec",
        "bulwark-secrets",
        this.spec.dest,
      ]);
    } catch (e) {
      throw new VaultError(
        "VAULT_INTERNAL",
        `cannot mount a tmpfs on ${this.spec.dest}: ${(e as { stderr?: string }).stderr?.trim() ?? String(e)}`,
      );
    }
    this.mounted = true;
  }

  async unmount(): Promise<void> {
    if (!this.mounted) return;
    await execFileP("umount", [this.spec.dest]);
    this.mounted = false;
  }

  /** Renders the current version if it differs from the one on disk; returns whether it wrote. */
  async refresh(): Promise<boolean> {
    const i = this.spec.secret.indexOf("/");
    const mount = this.spec.secret.slice(0, i);
    const path = this.spec.secret.slice(i + 1);
    const res = (await vaultCall(this.spec, "GET", `${mount}/data/${path}`))["data"] as {
      data: Record<string, unknown>;
      metadata: { version: number };
    };
    if (res.metadata.version === this.version) return false;
    for (const [file, content] of renderFiles(res.data, this.spec.template))
      writeSecretFile(this.spec.dest, file, content, this.spec.uid, this.spec.gid);
    this.version = res.metadata.version;
    return true;
  }

  get renderedVersion(): number {
    return this.version;
  }

  /** Polls for a new version every `intervalMs`; returns a stop function. */
  watch(intervalMs: number, onError: (e: unknown) => void, onRender?: (version: number) => void): () => void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.refresh()
        .then((wrote) => wrote && onRender?.(this.version))
        .catch(onError)
        .finally(() => (busy = false));
    }, intervalMs);
    return () => clearInterval(timer);
  }
}
