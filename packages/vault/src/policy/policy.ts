/**
 * Vault ACL policies: HCL or its JSON form, parsed into path rules.
 * Unknown capabilities and malformed rules are refused with Vault-style messages.
 */
import { VaultError } from "../errors.js";
import { parseHcl, type HclValue } from "./hcl.js";

export const CAPABILITIES = ["create", "read", "update", "patch", "delete", "list", "sudo", "deny"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface PathRule {
  pattern: string;
  capabilities: Capability[];
}
export interface Policy {
  name: string;
  rules: PathRule[];
}

const LEGACY: Record<string, Capability[]> = {
  deny: ["deny"],
  read: ["read", "list"],
  write: ["create", "read", "update", "delete", "list"],
  sudo: ["create", "read", "update", "delete", "list", "sudo"],
};

export const MAX_POLICY_BYTES = 64 * 1024;

function bad(msg: string): VaultError {
  return new VaultError("VAULT_POLICY_SYNTAX", `failed to parse policy: ${msg}`);
}

function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function ruleFrom(pattern: string, body: Record<string, unknown>): PathRule {
  if (pattern.length === 0 || pattern.length > 512) throw bad("a path pattern must be 1 to 512 characters");
  if (pattern.includes("*") && pattern.indexOf("*") !== pattern.length - 1)
    throw bad(`path "${pattern}": "*" is only allowed at the end`);
  const caps = new Set<Capability>();
  const list = body["capabilities"];
  if (list !== undefined) {
    if (!Array.isArray(list)) throw bad(`path "${pattern}": capabilities must be a list`);
    for (const c of list) {
      if (typeof c !== "string" || !(CAPABILITIES as readonly string[]).includes(c))
        throw bad(`path "${pattern}": invalid capability ${JSON.stringify(c)}`);
      caps.add(c as Capability);
    }
  }
  const legacy = body["policy"];
  if (legacy !== undefined) {
    if (typeof legacy !== "string" || !LEGACY[legacy])
      throw bad(`path "${pattern}": invalid policy ${JSON.stringify(legacy)}`);
    for (const c of LEGACY[legacy]) caps.add(c);
  }
  return { pattern, capabilities: caps.has("deny") ? ["deny"] : [...caps].sort() };
}

function fromJson(doc: unknown): PathRule[] {
  const top = asRecord(doc, "policy");
  const paths = top["path"];
  if (paths === undefined) return [];
  // Vault's JSON form: {"path": {"a/*": {...}}} or a list of such objects
  const entries = Array.isArray(paths)
    ? paths.flatMap((p) => Object.entries(asRecord(p, "path")))
    : Object.entries(asRecord(paths, "path"));
  return entries.map(([pattern, body]) => ruleFrom(pattern, asRecord(body, `path "${pattern}"`)));
}

export function parsePolicy(name: string, text: string): Policy {
  if (!/^[A-Za-z0-9_.@-][A-Za-z0-9_.@/-]{0,127}$/.test(name))
    throw new VaultError("VAULT_INVALID_REQUEST", `invalid policy name "${name}"`);
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw bad(`policy larger than ${MAX_POLICY_BYTES} bytes`);
  let rules: PathRule[];
  if (text.trimStart().startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw bad(`invalid JSON: ${(e as Error).message}`);
    }
    rules = fromJson(doc);
  } else {
    const body = parseHcl(text);
    for (const key of Object.keys(body.attributes))
      if (key !== "name") throw bad(`unexpected attribute "${key}"`);
    rules = body.blocks.map((b) => {
      if (b.type !== "path") throw bad(`unexpected block "${b.type}"`);
      if (b.labels.length !== 1) throw bad(`a path block takes exactly one label`);
      return ruleFrom(b.labels[0]!, b.body.attributes as Record<string, HclValue>);
    });
  }
  return { name, rules };
}
