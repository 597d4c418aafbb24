/**
 * Falco's own public rule files (shared/peers/falco, Apache-2.0) must load unchanged.
 * The test prints how many rules are fully evaluable and names every field or source
 * that is not supplied, per file.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { falcoRulesDir } from "../testkit/paths.js";
import { WEB_CONTAINER } from "../testkit/scenarios.js";
import { RUNTIME_EVENT_SCHEMA, type RuntimeEvent } from "../events/types.js";
import { RuleEngine } from "./engine.js";
import { loadRuleFiles, type LoadedRules } from "./loader.js";

const dir = falcoRulesDir();
const file = (n: string): string => resolve(dir ?? ".", n);

function report(name: string, loaded: LoadedRules, onlyFile: string): number {
  const rules = loaded.rules.filter((r) => r.at.file === onlyFile);
  const evaluable = rules.filter((r) => r.evaluable);
  const missing = new Map<string, string[]>();
  for (const r of rules) for (const u of r.unsupported) missing.set(u, [...(missing.get(u) ?? []), r.name]);
  const pct = rules.length === 0 ? 0 : (100 * evaluable.length) / rules.length;
  console.log(`${name}: ${evaluable.length}/${rules.length} rules fully evaluable (${pct.toFixed(1)}%)`);
  for (const [field, names] of missing)
    console.log(
      `  not supplied: ${field} (${names.length} rules: ${names.slice(0, 5).join("; ")}${names.length > 5 ? "; …" : ""})`,
    );
  return pct;
}

describe.skipIf(!dir)("Falco rule files load unchanged (skipped when shared/peers/falco is absent)", () => {
  it("falco_rules.yaml: at least 90% of rules fully evaluable", () => {
    const loaded = loadRuleFiles([file("falco_rules.yaml")]);
    expect(loaded.rules.length).toBeGreaterThan(20);
    expect(loaded.macros).toBeGreaterThan(50);
    const pct = report("falco_rules.yaml", loaded, file("falco_rules.yaml"));
    expect(pct).toBeGreaterThanOrEqual(90);
    // Every non-evaluable rule has a warning naming what is missing.
    for (const r of loaded.rules.filter((x) => !x.evaluable)) {
      const w = loaded.warnings.find((x) => x.rule === r.name && x.code === "UNSUPPORTED_FIELD");
      expect(w?.message).toContain(r.unsupported[0]);
    }
  });

  it.each(["falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"])(
    "%s loads on top of falco_rules.yaml",
    (name) => {
      const loaded = loadRuleFiles([file("falco_rules.yaml"), file(name)]);
      const pct = report(name, loaded, file(name));
      expect(loaded.rules.filter((r) => r.at.file === file(name)).length).toBeGreaterThan(20);
      expect(pct).toBeGreaterThan(50);
    },
  );

  it("k8s_audit_rules.yaml loads; every rule is evaluated on the k8s_audit source", () => {
    const loaded = loadRuleFiles([file("k8s_audit_rules.yaml")]);
    expect(loaded.rules).toEqual([]);
    const evaluable = loaded.audit.filter((r) => r.evaluable);
    console.log(`k8s_audit_rules.yaml: ${evaluable.length}/${loaded.audit.length} rules fully evaluable`);
    expect(loaded.audit.length).toBeGreaterThan(20);
    expect(loaded.audit.filter((r) => !r.evaluable).map((r) => [r.name, r.unsupported])).toEqual([]);
    expect(loaded.warnings.filter((w) => w.code !== "PLUGIN_REQUIREMENT")).toEqual([]);
  });

  it("audit-policy.yaml (a Kubernetes audit policy, not a rules file) is refused with its location", () => {
    expect(() => loadRuleFiles([file("audit-policy.yaml")])).toThrow(
      /audit-policy\.yaml:1:1: not a Falco rules file/,
    );
  });

  it("Falco's own rules fire on matching events and stay quiet on benign ones", () => {
    const engine = new RuleEngine(loadRuleFiles([file("falco_rules.yaml")]).rules);
    const base = {
      schema: RUNTIME_EVENT_SCHEMA,
      time: "2026-12-01T10:00:00Z",
      source: "replay" as const,
      container: WEB_CONTAINER,
    };
    const proc = {
      pid: 10,
      ppid: 9,
      name: "cat",
      exe: "cat",
      exePath: "/usr/bin/cat",
      args: ["/etc/shadow"],
      uid: 0,
      gid: 0,
      userName: "root",
      ancestors: [{ pid: 9, name: "bash" }],
    };
    const shadow: RuntimeEvent = {
      ...base,
      process: proc,
      type: "open",
      path: "/etc/shadow",
      access: "read",
      flags: ["O_RDONLY"],
      fd: 3,
    };
    expect(engine.evaluate(shadow).map((m) => m.rule)).toContain("Read sensitive file untrusted");
    const page: RuntimeEvent = { ...shadow, path: "/usr/share/nginx/html/index.html" };
    expect(engine.evaluate(page)).toEqual([]);
  });
});
