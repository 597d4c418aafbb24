import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VaultError } from "../errors.js";
import { Acl } from "./acl.js";
import { CAPABILITIES, parsePolicy, type Capability } from "./policy.js";

const hcl = `
# app policy
path "secret/data/app/*" {
  capabilities = ["create", "read", "update"]
}
// legacy form
path "secret/metadata/app/*" { policy = "read" }
/* deny wins */
path "secret/data/app/admin" {
  capabilities = ["deny"]
}
path "secret/data/+/shared" { capabilities = ["read",] }
`;

describe("policy parser", () => {
  it("parses HCL and the equivalent JSON into the same rules", () => {
    const fromHcl = parsePolicy("app", hcl);
    const json = JSON.stringify({
      path: {
        "secret/data/app/*": { capabilities: ["create", "read", "update"] },
        "secret/metadata/app/*": { policy: "read" },
        "secret/data/app/admin": { capabilities: ["deny"] },
        "secret/data/+/shared": { capabilities: ["read"] },
      },
    });
    expect(parsePolicy("app", json).rules).toEqual(fromHcl.rules);
    expect(fromHcl.rules.map((r) => r.pattern)).toEqual([
      "secret/data/app/*",
      "secret/metadata/app/*",
      "secret/data/app/admin",
      "secret/data/+/shared",
    ]);
  });

  it("names the line of a syntax error", () => {
    expect(() => parsePolicy("p", 'path "a" {\n  capabilities = ["read"\n}')).toThrow(
      /line 3: expected "," or "]"/,
    );
    expect(() => parsePolicy("p", 'path "a" {\n capabilities = ["fly"] }')).toThrow(
      /invalid capability "fly"/,
    );
    expect(() => parsePolicy("p", 'path "a*b" { capabilities = ["read"] }')).toThrow(
      /only allowed at the end/,
    );
    expect(() => parsePolicy("p", '{"path": 3}')).toThrow(/must be an object/);
    expect(() => parsePolicy("p", "{bad json")).toThrow(/invalid JSON/);
  });

  it("round-trips generated policies through HCL and JSON", () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    const pattern = fc
      .tuple(fc.array(fc.oneof(segment, fc.constant("+")), { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([segs, glob]) => segs.join("/") + (glob ? "*" : ""));
    const caps = fc.uniqueArray(fc.constantFrom(...CAPABILITIES.filter((c) => c !== "deny")), {
      minLength: 1,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(pattern, caps), { selector: (r) => r[0], maxLength: 6 }),
        (rules) => {
          const text = rules
            .map(([p, c]) => `path ${JSON.stringify(p)} {\n  capabilities = ${JSON.stringify(c)}\n}\n`)
            .join("");
          const json = JSON.stringify({
            path: Object.fromEntries(rules.map(([p, c]) => [p, { capabilities: c }])),
          });
          const a = parsePolicy("gen", text);
          // JSON objects put integer-like keys first, so compare the rule sets in one order
          const byPattern = (r: { pattern: string }[]): unknown[] =>
            [...r].sort((x, y) => (x.pattern < y.pattern ? -1 : 1));
          expect(byPattern(a.rules)).toEqual(byPattern(parsePolicy("gen", json).rules));
          expect(a.rules.map((r) => [r.pattern, r.capabilities])).toEqual(
            rules.map(([p, c]) => [p, [...c].sort()]),
          );
        },
      ),
    );
  });

  it("never throws anything but a VaultError on arbitrary input", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'path{}[]=",:#/*\n ab1-'.split("")) })),
        (text) => {
          try {
            parsePolicy("fuzz", text);
          } catch (e) {
            expect(e).toBeInstanceOf(VaultError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("acl", () => {
  const acl = new Acl([parsePolicy("app", hcl)]);
  const can = (path: string, cap: Capability): boolean => acl.allows(path, cap);

  it("denies by default and grants what the rules say", () => {
    expect(can("secret/data/app/db", "read")).toBe(true);
    expect(can("secret/data/app/db", "delete")).toBe(false);
    expect(can("secret/data/other", "read")).toBe(false);
    expect(can("secret/metadata/app/x", "list")).toBe(true);
    expect(can("sys/policy/x", "update")).toBe(false);
  });

  it("an exact deny beats a glob grant; + matches one segment", () => {
    expect(can("secret/data/app/admin", "read")).toBe(false);
    expect(can("secret/data/team/shared", "read")).toBe(true);
    expect(can("secret/data/a/b/shared", "read")).toBe(false);
  });

  it("merges policies; deny on the same pattern wins", () => {
    const a = parsePolicy("a", 'path "kv/*" { capabilities = ["read"] }');
    const b = parsePolicy("b", 'path "kv/*" { capabilities = ["update"] }');
    const c = parsePolicy("c", 'path "kv/*" { capabilities = ["deny"] }');
    expect([...new Acl([a, b]).capabilities("kv/x")].sort()).toEqual(["read", "update"]);
    expect(new Acl([a, b, c]).capabilities("kv/x").size).toBe(0);
  });

  it("the more specific glob wins", () => {
    const p = parsePolicy(
      "p",
      'path "kv/*" { capabilities = ["read"] }\npath "kv/team/*" { capabilities = ["list"] }',
    );
    const acl2 = new Acl([p]);
    expect([...acl2.capabilities("kv/team/x")]).toEqual(["list"]);
    expect([...acl2.capabilities("kv/other")]).toEqual(["read"]);
  });
});
