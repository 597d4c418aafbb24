/** `bulwark vault inject`: render a secret into a tmpfs for a container, optionally keep it fresh. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { invalid } from "../errors.js";
import { Injector } from "../inject/injector.js";
import { stopOnSignal } from "../store.js";

interface InjectOpts {
  secret: string;
  dest: string;
  uid: string;
  gid: string;
  template?: string;
  file: string;
  watch?: string;
  tmpfs: boolean;
  address?: string;
  token?: string;
}

function id(v: string, what: string): number {
  if (!/^\d+$/.test(v)) throw invalid(`--${what} must be a numeric id`);
  return Number(v);
}

export function registerInject(vault: Command): void {
  vault
    .command("inject")
    .description(
      "render a secret into files (mode 0400, owned by the container user) on a tmpfs to bind-mount into a container",
    )
    .requiredOption("--secret <path>", "MOUNT/PATH of a KV v2 secret")
    .requiredOption(
      "--dest <dir>",
      "host directory (a tmpfs is mounted on it) to bind-mount into the container",
    )
    .option("--uid <uid>", "owner of the files (the container user)", "0")
    .option("--gid <gid>", "group of the files", "0")
    .option("--template <file>", "render one file from this template ({{ .field }} placeholders)")
    .option("--file <name>", "file name for --template output", "secrets.env")
    .option("--watch <seconds>", "keep running and re-render when a new version appears (rotation)")
    .option("--no-tmpfs", "write into --dest as it is (it must already be a tmpfs)")
    .option("--address <url>", "vault address (default $VAULT_ADDR)")
    .option("--token <token>", "vault token (default $VAULT_TOKEN)")
    .action(async (opts: InjectOpts) => {
      const injector = new Injector({
        secret: opts.secret,
        dest: opts.dest,
        uid: id(opts.uid, "uid"),
        gid: id(opts.gid, "gid"),
        address: opts.address,
        token: opts.token,
        template: opts.template ? { text: readFileSync(opts.template, "utf8"), file: opts.file } : undefined,
      });
      if (opts.tmpfs) await injector.mountTmpfs();
      await injector.refresh();
      process.stdout.write(`injected ${opts.secret} version ${injector.renderedVersion} into ${opts.dest}\n`);
      if (!opts.watch) return;
      const seconds = Number(opts.watch);
      if (!(seconds > 0)) throw invalid("--watch takes a number of seconds");
      await new Promise<void>((done) => {
        const stop = injector.watch(
          seconds * 1000,
          (e) => process.stderr.write(`vault inject: ${(e as Error).message}\n`),
          (v) => process.stdout.write(`re-rendered ${opts.secret} version ${v}\n`),
        );
        stopOnSignal("vault inject", async () => {
          stop();
          done();
        });
      });
    });
}
