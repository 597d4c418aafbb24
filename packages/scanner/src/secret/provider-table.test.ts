import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROVIDER_TABLE_PATH, providerTable } from "./provider-table.js";
import { builtinRules } from "./rules/index.js";

describe("docs/secret-providers.md", () => {
  it("is the table generated from the current rules (regenerate: NODE_OPTIONS=--conditions=bulwark-source npx tsx packages/scanner/src/secret/provider-table.ts --write)", () => {
    expect(readFileSync(PROVIDER_TABLE_PATH, "utf8")).toBe(providerTable());
  });

  it("lists every rule once and states the provider count", () => {
    const table = providerTable();
    for (const r of builtinRules) expect(table).toContain(`\`${r.id}\``);
    const providers = new Set(builtinRules.map((r) => r.provider)).size;
    expect(table).toContain(`${providers} providers, ${builtinRules.length} rules`);
    expect(providers).toBeGreaterThanOrEqual(250);
  });
});
