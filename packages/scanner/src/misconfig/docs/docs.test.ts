import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog.js";
import { renderChecksDoc } from "./render.js";
import { CHECKS_DOC } from "./write.js";

describe("generated check documentation", () => {
  it("docs/checks.md is current (regenerate: NODE_OPTIONS=--conditions=bulwark-source npx tsx packages/scanner/src/misconfig/docs/write.ts)", () => {
    expect(readFileSync(CHECKS_DOC, "utf8")).toBe(renderChecksDoc(catalog()));
  });

  it("documents every check with its severity, remediation and equivalents", () => {
    const doc = renderChecksDoc(catalog());
    for (const c of catalog()) {
      expect(doc).toContain(`### ${c.id}\n`);
      expect(doc).toContain(`*Remediation:* ${c.remediation}`);
    }
    expect(doc).toContain("- hadolint: DL3014");
    expect(doc).toContain("- Trivy: KCV0001");
  });
});
