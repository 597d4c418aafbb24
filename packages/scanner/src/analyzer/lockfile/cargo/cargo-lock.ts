/**
 * Cargo.lock: `[[package]]` tables; registry packages carry a `source` of
 * "registry+…" or "sparse+…". Path and git packages (the workspace's own crates) have no
 * registry version and are left out. Cargo.lock does not mark dev-dependencies.
 */
import { tomlPackages } from "../python/toml-locks.js";
import type { LockResult } from "../common.js";

export function parseCargoLock(text: string, path: string): LockResult {
  return tomlPackages(
    text,
    path,
    "cargo",
    () => false,
    (p) => typeof p.source !== "string" || !/^(registry|sparse)\+/.test(p.source),
  );
}
