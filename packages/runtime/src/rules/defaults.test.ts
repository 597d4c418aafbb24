import { describe, expect, it } from "vitest";
import { ATTACKS, benignEvents } from "../testkit/scenarios.js";
import { defaultRuleFiles } from "./default-rules.js";
import { RuleEngine } from "./engine.js";
import { loadRuleFiles } from "./loader.js";

const loaded = loadRuleFiles(defaultRuleFiles());

describe("Bulwark default rules", () => {
  it("has at least 40 rules, all evaluable, each tagged with a MITRE ATT&CK technique id", () => {
    expect(loaded.rules.length).toBeGreaterThanOrEqual(40);
    for (const r of loaded.rules) {
      expect(r.evaluable, r.name).toBe(true);
      expect(
        r.tags.some((t) => /^T\d{4}(\.\d{3})?$/.test(t)),
        r.name,
      ).toBe(true);
      expect(r.eventTypes, `${r.name} must restrict evt.type`).not.toBeNull();
    }
    expect(loaded.warnings).toEqual([]);
  });

  it.each(ATTACKS.map((a) => [a.rule, a] as const))(
    "scenario %s raises its alert with container id, name and image",
    (_name, a) => {
      const engine = new RuleEngine(loaded.rules);
      const matches = a.events.flatMap((e) => engine.evaluate(e));
      const m = matches.find((x) => x.rule === a.rule);
      expect(m, `fired: ${matches.map((x) => x.rule).join(", ")}`).toBeDefined();
      expect(m!.output).toContain(`container=${a.events[0]!.container.id}`);
      expect(m!.output).toContain(`name=${a.events[0]!.container.name}`);
      expect(m!.output).toContain(`image=${a.events[0]!.container.image}`);
    },
  );

  it("benign web server and batch job activity raises nothing", () => {
    const engine = new RuleEngine(loaded.rules);
    expect(
      benignEvents()
        .flatMap((e) => engine.evaluate(e))
        .map((m) => m.rule),
    ).toEqual([]);
  });
});
