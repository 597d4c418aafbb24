import type { Command } from "commander";
import type { Store } from "@bulwark/store";

interface StoreFlags {
  dataDir?: string;
  database?: string;
}

function storeFlags(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "the server's data directory (SQLite)")
    .option("--database <url>", "the server's PostgreSQL URL");
}

async function withStore<T>(flags: StoreFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openServerStore } = await import("../serve.js");
  const store = await openServerStore({
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.database ? { databaseUrl: flags.database } : {}),
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function readPassword(): string | undefined {
  const p = process.env.BULWARK_PASSWORD;
  return p && p.length > 0 ? p : undefined;
}

/** `bulwark admin create-user NAME --role ROLE`, `bulwark admin create-token --scope S [--name N]`: offline, on the store. */
export function registerAdmin(program: Command): void {
  const admin = program
    .command("admin")
    .description("administer a Bulwark server's store directly (works while the server is down)");
  storeFlags(
    admin
      .command("create-user")
      .argument("<name>")
      .requiredOption("--role <role>", "admin, security, developer or agent"),
  )
    .description("create a user; the password is read from $BULWARK_PASSWORD (none: token-only user)")
    .action(async (name: string, flags: StoreFlags & { role: string }) => {
      const { audit } = await import("../repo/audit.js");
      const { createUser } = await import("../repo/identity.js");
      await withStore(flags, async (store) => {
        const user = await createUser(store, name, flags.role, readPassword());
        await audit(store, {
          actor: `cli:${process.env.USER ?? "unknown"}`,
          action: "admin create-user",
          target: `${user.name} (${user.role})`,
          source: "local",
          outcome: 0,
        });
        process.stdout.write(`created user ${user.name} (${user.role})\n`);
      });
    });
  storeFlags(
    admin
      .command("create-token")
      .requiredOption("--scope <scope>", "ingest, read or admin")
      .option("--name <name>", "a name for the token"),
  )
    .description("create an API token and print it once")
    .action(async (flags: StoreFlags & { scope: string; name?: string }) => {
      const { audit } = await import("../repo/audit.js");
      const { createToken } = await import("../repo/identity.js");
      await withStore(flags, async (store) => {
        const t = await createToken(store, {
          scope: flags.scope,
          ...(flags.name ? { name: flags.name } : {}),
        });
        await audit(store, {
          actor: `cli:${process.env.USER ?? "unknown"}`,
          action: "admin create-token",
          target: `${t.name} (${t.scope})`,
          source: "local",
          outcome: 0,
        });
        process.stdout.write(`${t.secret}\n`);
      });
    });
}
