import {
  BulwarkError,
  errorMessage,
  type Finding,
  type Suppressed,
  readBoundedFileSync,
} from "@bulwark/model";
import type { SuppressionResult } from "./ignore.js";

/** One OpenVEX statement, reduced to what suppression needs. */
export interface VexStatement {
  vulnerability: string[];
  products: string[];
  status: string;
  reason: string;
  timestamp?: string;
}

/** Statuses that mean "this finding does not apply": the others (affected, under_investigation) keep it. */
const SUPPRESSING = new Set(["not_affected", "fixed"]);

type Json = Record<string, unknown>;

/** OpenVEX writes a vulnerability as {name, aliases} (0.2) or a plain string (0.0.x). */
function vulnIds(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (typeof v !== "object" || v === null) return [];
  const o = v as Json;
  const ids = [o.name, o["@id"], ...(Array.isArray(o.aliases) ? o.aliases : [])];
  return ids.filter((x): x is string => typeof x === "string");
}

/** Products and their subcomponents as purls (`@id` or `identifiers.purl`). */
function productIds(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const p of list) {
    if (typeof p === "string") out.push(p);
    else if (typeof p === "object" && p !== null) {
      const o = p as Json;
      if (typeof o["@id"] === "string") out.push(o["@id"]);
      const purl = (o.identifiers as Json | undefined)?.purl;
      if (typeof purl === "string") out.push(purl);
      out.push(...productIds(o.subcomponents));
    }
  }
  return out;
}

function toStatement(raw: unknown, docTimestamp: string | undefined): VexStatement | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const s = raw as Json;
  if (typeof s.status !== "string") return undefined;
  const justification = typeof s.justification === "string" ? ` (${s.justification})` : "";
  const impact = typeof s.impact_statement === "string" ? `: ${s.impact_statement}` : "";
  const timestamp = typeof s.timestamp === "string" ? s.timestamp : docTimestamp;
  return {
    vulnerability: vulnIds(s.vulnerability),
    products: productIds(s.products),
    status: s.status,
    reason: `VEX ${s.status}${justification}${impact}`,
    ...(timestamp ? { timestamp } : {}),
  };
}

/** Parses an OpenVEX document's text. */
export function parseOpenVex(text: string, file: string): VexStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BulwarkError("CONFIG_INVALID", `${file}: not valid JSON: ${errorMessage(e)}`);
  }
  const statements = (doc as Json | null)?.statements;
  if (!Array.isArray(statements))
    throw new BulwarkError("CONFIG_INVALID", `${file}: not an OpenVEX document (no statements)`);
  const ts = typeof (doc as Json).timestamp === "string" ? ((doc as Json).timestamp as string) : undefined;
  return statements.map((s) => toStatement(s, ts)).filter((s): s is VexStatement => s !== undefined);
}

export function loadVexFiles(files: readonly string[]): VexStatement[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readBoundedFileSync(file, "VEX file", "CONFIG_BYTES").toString("utf8");
    } catch (e) {
      throw new BulwarkError("CONFIG_INVALID", `cannot read VEX file ${file}: ${errorMessage(e)}`);
    }
    return parseOpenVex(text, file);
  });
}

/** purl without qualifiers/subpath; a statement purl without a version names every version. */
function purlMatches(statementPurl: string, packagePurl: string): boolean {
  const strip = (p: string) => p.split(/[?#]/)[0]!;
  const s = strip(statementPurl);
  const p = strip(packagePurl);
  return s === p || (!s.includes("@") && p.split("@")[0] === s);
}

function statementApplies(st: VexStatement, f: Finding): boolean {
  if (f.kind !== "vulnerability") return false;
  const ids = [f.id, ...f.aliases];
  if (!st.vulnerability.some((v) => ids.includes(v))) return false;
  return st.products.some((p) => purlMatches(p, f.package.purl));
}

/**
 * Applies VEX statements to vulnerability findings. When several statements speak
 * about the same finding the latest (by timestamp, then file order) decides.
 */
export function applyVex(findings: Finding[], statements: VexStatement[]): SuppressionResult {
  const ordered = statements
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (a.s.timestamp ?? "").localeCompare(b.s.timestamp ?? "") || a.i - b.i)
    .map((x) => x.s);
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const f of findings) {
    const last = ordered.filter((s) => statementApplies(s, f)).at(-1);
    if (last && SUPPRESSING.has(last.status)) suppressed.push({ finding: f, by: "vex", reason: last.reason });
    else kept.push(f);
  }
  return { kept, suppressed, warnings: [] };
}
