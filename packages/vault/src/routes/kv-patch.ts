/**
 * KV v2 PATCH (Vault 1.9+): `PATCH <mount>/data/<path>` merges a JSON merge patch into the
 * current version and writes it as a new version; `PATCH <mount>/metadata/<path>` updates only
 * the metadata fields given (custom_metadata merged the same way). Both need the `patch`
 * capability and `Content-Type: application/merge-patch+json`, as in Vault.
 */
import { VaultError, invalid } from "../errors.js";
import type { VaultCore } from "../core.js";
import type { MountConfig } from "../kv/engine.js";
import { mergePatch } from "../kv/merge-patch.js";
import { noContent, notFound, ok, type Route, type VaultRequest, type VaultResponse } from "../types.js";
import { asBool, asInt, parseDuration } from "../util.js";

const MERGE_PATCH = "application/merge-patch+json";
/** Retries when another write lands between the read and the write of a patch without `cas`. */
const PATCH_ATTEMPTS = 5;

function checkContentType(req: VaultRequest): void {
  const type = (req.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== MERGE_PATCH)
    throw new VaultError("VAULT_UNSUPPORTED_MEDIA_TYPE", `PATCH requires Content-Type ${MERGE_PATCH}`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

async function patchData(
  core: VaultCore,
  req: VaultRequest,
  mount: string,
  path: string,
  cfg: MountConfig,
): Promise<VaultResponse> {
  const patch = req.body["data"];
  if (patch === undefined || patch === null) throw invalid("no data provided");
  if (!isObject(patch)) throw invalid("data must be a JSON object");
  const options = isObject(req.body["options"]) ? req.body["options"] : {};
  const cas = options["cas"] === undefined ? undefined : asInt(options["cas"], "cas", 0);
  for (let attempt = 1; ; attempt++) {
    const meta = await core.kv.readMetadata(mount, path);
    const current = await core.kv.read(mount, path, 0);
    // Vault: nothing to patch when the secret, or its current version, is gone
    if (!meta || !current || current.data === null) return notFound();
    if (cas === undefined && (cfg.casRequired || meta["cas_required"] === true))
      throw invalid("check-and-set parameter required for this call");
    const version = current.metadata.version;
    if (cas !== undefined && cas !== version)
      throw new VaultError("VAULT_CAS_MISMATCH", "check-and-set parameter did not match the current version");
    try {
      return ok(await core.kv.write(mount, path, mergePatch(current.data, patch), version, cfg));
    } catch (e) {
      const raced = e instanceof VaultError && e.code === "VAULT_CAS_MISMATCH";
      if (!raced || cas !== undefined || attempt >= PATCH_ATTEMPTS) throw e;
    }
  }
}

async function patchMetadata(
  core: VaultCore,
  req: VaultRequest,
  mount: string,
  path: string,
): Promise<VaultResponse> {
  const meta = await core.kv.readMetadata(mount, path);
  if (!meta) return notFound();
  const b = req.body;
  let customMetadata: Record<string, string> | undefined;
  if (b["custom_metadata"] !== undefined && b["custom_metadata"] !== null) {
    if (
      !isObject(b["custom_metadata"]) ||
      !Object.values(b["custom_metadata"]).every((v) => v === null || typeof v === "string")
    )
      throw invalid("custom_metadata must be a map of strings");
    customMetadata = mergePatch(meta["custom_metadata"] ?? {}, b["custom_metadata"]) as Record<
      string,
      string
    >;
    if (Object.keys(customMetadata).length > 64) throw invalid("custom_metadata may hold at most 64 keys");
  }
  await core.kv.writeMetadata(mount, path, {
    maxVersions: b["max_versions"] === undefined ? undefined : asInt(b["max_versions"], "max_versions", 0),
    casRequired:
      b["cas_required"] === undefined ? undefined : asBool(b["cas_required"], "cas_required", false),
    deleteVersionAfter:
      b["delete_version_after"] === undefined
        ? undefined
        : parseDuration(b["delete_version_after"], "delete_version_after"),
    customMetadata,
  });
  return noContent();
}

export function kvPatchRoute(
  core: VaultCore,
  req: VaultRequest,
  mount: string,
  cfg: MountConfig,
  op: string,
  path: string,
): Route | undefined {
  if (op !== "data" && op !== "metadata") return undefined;
  checkContentType(req);
  return {
    aclPath: `${mount}/${op}/${path}`,
    access: "patch",
    handle: () =>
      op === "data" ? patchData(core, req, mount, path, cfg) : patchMetadata(core, req, mount, path),
  };
}
