import type { FastifyInstance } from "fastify";
import {
  checkListenSecurity,
  migrate,
  openStore,
  parseListen,
  type Store,
  type TlsFiles,
} from "@bulwark/store";
import { buildApp } from "./app.js";
import { errorMessage } from "./deps.js";
import { ServerError } from "./errors.js";
import { startFleetConsumer, type FleetConsumer } from "./fleet/nats.js";
import { serverMigrations } from "./migrations.js";
import { ensureSetupToken } from "./repo/identity.js";
import { matchStoredInventory, watchVulnDb } from "./rematch.js";
import type { RunningVault, VaultServeOptions } from "./vault/serve-vault.js";

export const DEFAULT_PORT = 8470;

export interface ServeOptions {
  listen?: string;
  dataDir?: string;
  databaseUrl?: string;
  tls?: TlsFiles;
  allowInsecureListen?: boolean;
  /** Advisory database cache dir: re-match stored inventories when it changes. */
  vulnDbDir?: string;
  rematchIntervalMs?: number;
  bodyLimit?: number;
  /** Consume agents' reports from NATS JetStream as well as over HTTP. */
  nats?: { url: string; ackWaitMs?: number };
  /** Also serve the vault API (issue 16) over this server's store. */
  vault?: VaultServeOptions;
  log: (line: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The vault's API address, with `vault`. */
  vaultUrl?: string;
  /** Printed once at first start, while no user exists. */
  setupToken?: string;
  rematchNow?: () => Promise<unknown>;
  /** Stop accepting, let in-flight requests finish, stop the watcher, close the store. */
  stop(): Promise<void>;
}

/** Opens and migrates the store: the same steps for the server and the offline admin commands. */
export async function openServerStore(opts: { dataDir?: string; databaseUrl?: string }): Promise<Store> {
  const store = await openStore(opts);
  try {
    await migrate(store, "server", serverMigrations);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const addr = parseListen(opts.listen ?? "", DEFAULT_PORT);
  checkListenSecurity(addr, {
    tls: Boolean(opts.tls),
    ...(opts.allowInsecureListen ? { allowInsecure: true } : {}),
  });
  const store = await openServerStore(opts);
  const watcher = opts.vulnDbDir
    ? watchVulnDb(store, opts.vulnDbDir, { intervalMs: opts.rematchIntervalMs ?? 60_000, log: opts.log })
    : undefined;
  const app = await buildApp({
    store,
    ...(opts.tls ? { https: opts.tls } : {}),
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    ...(watcher ? { rematch: () => watcher.checkNow() } : {}),
    ...(opts.vulnDbDir
      ? {
          matchInventory: (asset: string, scanId: string) =>
            matchStoredInventory(store, opts.vulnDbDir!, asset, scanId),
        }
      : {}),
  });
  try {
    await app.listen({ host: addr.host, port: addr.port });
  } catch (e) {
    await watcher?.stop();
    await store.close();
    throw e;
  }
  let fleet: FleetConsumer | undefined;
  if (opts.nats) {
    try {
      fleet = await startFleetConsumer(store, {
        url: opts.nats.url,
        ...(opts.nats.ackWaitMs ? { ackWaitMs: opts.nats.ackWaitMs } : {}),
        log: opts.log,
      });
    } catch (e) {
      await app.close();
      await watcher?.stop();
      await store.close();
      throw new ServerError(
        "NATS_UNAVAILABLE",
        `cannot consume from NATS at ${opts.nats.url}: ${errorMessage(e)}`,
      );
    }
  }
  let vault: RunningVault | undefined;
  if (opts.vault) {
    try {
      // loaded on use: a server without --vault starts without the vault's code
      const { startVault } = await import("./vault/serve-vault.js");
      vault = await startVault(store, {
        ...opts.vault,
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        ...(opts.tls ? { tls: opts.tls } : {}),
        ...(opts.allowInsecureListen ? { allowInsecureListen: true } : {}),
        log: opts.log,
      });
    } catch (e) {
      await fleet?.stop();
      await app.close();
      await watcher?.stop();
      await store.close();
      throw e;
    }
  }
  const port = (app.server.address() as { port: number }).port;
  const host = addr.host.includes(":") ? `[${addr.host}]` : addr.host;
  const setupToken = await ensureSetupToken(store);
  if (watcher) void watcher.checkNow();
  return {
    app,
    store,
    url: `${opts.tls ? "https" : "http"}://${host}:${port}`,
    ...(vault ? { vaultUrl: vault.url } : {}),
    ...(setupToken ? { setupToken } : {}),
    ...(watcher ? { rematchNow: () => watcher.checkNow() } : {}),
    async stop() {
      await fleet?.stop();
      await vault?.stop();
      await app.close();
      await watcher?.stop();
      await store.close();
    },
  };
}
