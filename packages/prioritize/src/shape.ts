/** Reading parsed YAML of any shape (untrusted manifests): wrong shapes read as absent, never throw. */
export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A `labels` or `matchLabels` map: its string values. */
export function labelsOf(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, val] of Object.entries(obj(v) ?? {})) if (typeof val === "string") out.set(k, val);
  return out;
}
