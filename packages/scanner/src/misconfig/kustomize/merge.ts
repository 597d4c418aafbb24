import { asObj, type Obj } from "../kubernetes/objects.js";

/**
 * Strategic merge patch, the common subset kustomize users write: maps merge key by key,
 * `null` deletes a key, lists of objects with a merge key (containers, volumes, env …
 * by `name`; ports by `containerPort`) merge item by item, `$patch: delete` on an item
 * removes it, `$patch: replace` on a map replaces it, other lists are replaced.
 */
const MERGE_KEYS = ["name", "containerPort", "mountPath", "devicePath", "ip", "type", "topologyKey"];

export function strategicMerge(base: unknown, patch: unknown): unknown {
  const p = asObj(patch);
  const b = asObj(base);
  if (!p) return patch;
  if (p.$patch === "replace") return withoutDirectives(p);
  if (p.$patch === "delete") return undefined;
  if (!b) return withoutDirectives(p);
  const out: Obj = { ...b };
  for (const [k, v] of Object.entries(p)) {
    if (k.startsWith("$")) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(b[k])) out[k] = mergeList(b[k] as unknown[], v);
    else if (asObj(v) && asObj(b[k])) out[k] = strategicMerge(b[k], v);
    else out[k] = v;
  }
  return out;
}

function mergeList(base: unknown[], patch: unknown[]): unknown[] {
  const key = MERGE_KEYS.find((k) => patch.every((p) => asObj(p)?.[k] !== undefined));
  if (!key || !base.every((b) => asObj(b))) return patch.map((p) => withoutDirectives(p));
  const out = [...base];
  for (const item of patch) {
    const p = asObj(item)!;
    const at = out.findIndex((b) => asObj(b)?.[key] === p[key]);
    if (p.$patch === "delete") {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMerge(out[at], p);
    else out.push(withoutDirectives(p));
  }
  return out;
}

function withoutDirectives(v: unknown): unknown {
  const o = asObj(v);
  if (!o) return Array.isArray(v) ? v.map(withoutDirectives) : v;
  return Object.fromEntries(
    Object.entries(o)
      .filter(([k]) => !k.startsWith("$"))
      .map(([k, x]) => [k, withoutDirectives(x)]),
  );
}
