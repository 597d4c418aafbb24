/**
 * Passphrase and key-file unsealing on a vault core (see seal/unseal-methods.ts), and the
 * Bulwark-specific routes that set them up: `sys/bulwark/unseal-methods/<kind>`.
 */
import type { VaultCore } from "./core.js";
import { invalid } from "./errors.js";
import {
  addUnsealMethod,
  passphraseSecret,
  recoverRootKey,
  removeUnsealMethod,
  unsealMethods,
  type UnsealMethod,
} from "./seal/unseal-methods.js";
import { noContent, ok, type Route, type VaultRequest } from "./types.js";

/**
 * Cores with a passphrase derivation running. sys/unseal is unauthenticated and each Argon2id
 * run takes 64 MiB and a CPU for a moment, so attempts are taken one at a time, never queued.
 */
const deriving = new WeakSet<VaultCore>();

/** Unseals with a passphrase or key file; a wrong one throws and leaves the vault sealed. */
export async function unsealWithSecret(core: VaultCore, kind: UnsealMethod, secret: Buffer): Promise<void> {
  if (core.seal.unsealed) return;
  if (deriving.has(core)) throw invalid("another passphrase unseal attempt is in progress; try again");
  deriving.add(core);
  let rootKey: Buffer;
  try {
    rootKey = await recoverRootKey(core.store, kind, secret);
  } finally {
    deriving.delete(core);
  }
  try {
    await core.seal.unsealWithRootKey(rootKey);
  } finally {
    rootKey.fill(0);
  }
  core.audit.setHmacKey(core.seal.keys().auditKey);
}

/** Wraps the in-memory root key for `kind` (the vault must be unsealed). */
export function enableUnsealMethod(core: VaultCore, kind: UnsealMethod, secret: Buffer): Promise<void> {
  return addUnsealMethod(core.store, kind, secret, core.seal.rootKeyInUse());
}

function kindOf(s: string): UnsealMethod | undefined {
  return s === "passphrase" || s === "key-file" ? s : undefined;
}

/** Body of a key-file method over HTTP: the file's bytes in base64 (`key_file`). */
function keyFileSecret(v: unknown): Buffer {
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(v))
    throw invalid("'key_file' must be the key file's content in base64");
  return Buffer.from(v, "base64");
}

/** `sys/bulwark/unseal-methods` (LIST/GET) and `sys/bulwark/unseal-methods/<kind>` (PUT, DELETE); sudo. */
export function unsealMethodRoute(core: VaultCore, req: VaultRequest, rest: string): Route | undefined {
  const aclPath = `sys/bulwark/unseal-methods${rest ? `/${rest}` : ""}`;
  if (rest === "" && (req.method === "GET" || req.method === "LIST"))
    return { aclPath, access: "sudo", handle: async () => ok({ keys: await unsealMethods(core.store) }) };
  const kind = kindOf(rest);
  if (!kind) return undefined;
  if (req.method === "PUT" || req.method === "POST")
    return {
      aclPath,
      access: "sudo",
      handle: async () => {
        const secret =
          kind === "passphrase"
            ? passphraseSecret(req.body["passphrase"])
            : keyFileSecret(req.body["key_file"]);
        try {
          await enableUnsealMethod(core, kind, secret);
        } finally {
          secret.fill(0);
        }
        return noContent();
      },
    };
  if (req.method === "DELETE")
    return {
      aclPath,
      access: "sudo",
      handle: async () => {
        await removeUnsealMethod(core.store, kind);
        return noContent();
      },
    };
  return undefined;
}
