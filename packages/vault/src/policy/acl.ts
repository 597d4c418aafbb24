/**
 * Deny-by-default evaluation of Vault path policies. Rules with the same pattern from
 * several policies are merged (deny wins); an exact pattern beats any glob; among globs,
 * Vault's priority order picks one rule (later first wildcard, no trailing "*", fewer "+",
 * longer, lexicographically larger).
 */
import type { Capability, PathRule, Policy } from "./policy.js";

interface CompiledRule {
  pattern: string;
  caps: Set<Capability>;
  exact: boolean;
  regex: RegExp;
  firstWildcard: number;
  plusCount: number;
  trailingGlob: boolean;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compile(pattern: string, caps: Set<Capability>): CompiledRule {
  const trailingGlob = pattern.endsWith("*");
  const body = trailingGlob ? pattern.slice(0, -1) : pattern;
  const segments = body.split("/");
  const regex = new RegExp(
    "^" +
      segments.map((s) => (s === "+" ? "[^/]+" : escapeRegex(s))).join("/") +
      (trailingGlob ? "[\\s\\S]*" : "") +
      "$",
  );
  const plusCount = segments.filter((s) => s === "+").length;
  const plusAt = segments.findIndex((s) => s === "+");
  const plusPos = plusAt < 0 ? Infinity : segments.slice(0, plusAt).join("/").length;
  const globPos = trailingGlob ? body.length : Infinity;
  return {
    pattern,
    caps,
    exact: !trailingGlob && plusCount === 0,
    regex,
    firstWildcard: Math.min(plusPos, globPos),
    plusCount,
    trailingGlob,
  };
}

/** Negative when a has lower priority than b. */
function priority(a: CompiledRule, b: CompiledRule): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  if (a.trailingGlob !== b.trailingGlob) return a.trailingGlob ? -1 : 1;
  if (a.plusCount !== b.plusCount) return b.plusCount - a.plusCount;
  if (a.pattern.length !== b.pattern.length) return a.pattern.length - b.pattern.length;
  return a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0;
}

export class Acl {
  private readonly exact = new Map<string, CompiledRule>();
  private readonly globs: CompiledRule[] = [];

  constructor(
    policies: readonly Policy[],
    readonly root = false,
  ) {
    const merged = new Map<string, Set<Capability>>();
    for (const rule of policies.flatMap((p): PathRule[] => p.rules)) {
      const caps = merged.get(rule.pattern) ?? new Set<Capability>();
      for (const c of rule.capabilities) caps.add(c);
      merged.set(rule.pattern, caps);
    }
    for (const [pattern, caps] of merged) {
      if (caps.has("deny")) {
        caps.clear();
        caps.add("deny");
      }
      const c = compile(pattern, caps);
      if (c.exact) this.exact.set(pattern, c);
      else this.globs.push(c);
    }
    this.globs.sort((a, b) => priority(b, a));
  }

  /** The capabilities granted on `path` (empty: denied). */
  capabilities(path: string): Set<Capability> {
    if (this.root) return new Set(["create", "read", "update", "patch", "delete", "list", "sudo"]);
    const rule = this.exact.get(path) ?? this.globs.find((g) => g.regex.test(path));
    if (!rule || rule.caps.has("deny")) return new Set();
    return rule.caps;
  }

  allows(path: string, cap: Capability): boolean {
    return this.capabilities(path).has(cap);
  }
}
