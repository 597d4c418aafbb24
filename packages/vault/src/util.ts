/** Small shared helpers: durations, ids, hashing. */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { invalid } from "./errors.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Vault durations: integer seconds or Go-style "1h30m", "10s", "768h". Returns seconds. */
export function parseDuration(v: unknown, field: string): number {
  if (v === undefined || v === null || v === "") return 0;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === "string") {
    if (/^\d+$/.test(v)) return Number(v);
    const parts = [...v.matchAll(/(\d+)([smhd])/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join("") === v)
      return parts.reduce((acc, p) => acc + Number(p[1]) * UNITS[p[2]!]!, 0);
  }
  throw invalid(`invalid duration for "${field}": ${JSON.stringify(v)}`);
}

export function formatDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
}

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function newToken(prefix: string): string {
  return prefix + randomBytes(24).toString("base64url");
}

export const newId = (): string => randomUUID();

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function asStringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null || v === "") return [];
  if (typeof v === "string")
    return v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw invalid(`"${field}" must be a list of strings`);
}

export function asBool(v: unknown, field: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw invalid(`"${field}" must be a boolean`);
}

export function asInt(v: unknown, field: string, dflt: number): number {
  if (v === undefined || v === null || v === "") return dflt;
  const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) throw invalid(`"${field}" must be an integer`);
  return n;
}
