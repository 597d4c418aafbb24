/**
 * JSON Merge Patch (RFC 7386), as Vault's KV v2 PATCH applies it: an object patch merges
 * member by member, `null` removes a member, anything else replaces the target.
 */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  // own-property copy into a null-prototype object: "__proto__" in a patch stays plain data
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (isObject(target)) for (const [k, v] of Object.entries(target)) out[k] = v;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return { ...out };
}
