import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildContext } from "./config.js";
import { scanContent } from "./content.js";
import { fill, prng } from "./testutil/generate.js";

const manifests = readFileSync(new URL("./testdata/manifests.yaml", import.meta.url), "latin1");

describe("Kubernetes manifests", () => {
  const ctx = buildContext({});

  it("reports literal Secret data (decoded), ConfigMap credentials and env literals, not references", () => {
    const rows = scanContent(ctx, "k8s/app.yaml", manifests).map((h) => [h.ruleId, h.line]);
    expect(rows.sort()).toEqual(
      [
        ["kubernetes-secret-literal", 8],
        ["kubernetes-secret-literal", 11],
        ["kubernetes-configmap-credential", 20],
        ["kubernetes-env-literal", 36],
      ].sort(),
    );
  });

  it("scans decoded Secret data with every rule", () => {
    const token = fill("ghp_{A62:36}", prng(3));
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  token: ${Buffer.from(token).toString("base64")}\n`;
    const hits = scanContent(ctx, "secret.yml", text);
    expect(hits.map((h) => [h.ruleId, h.line]).sort()).toEqual([
      ["github-pat", 6],
      ["kubernetes-secret-literal", 6],
    ]);
    expect(hits.every((h) => !h.match.includes(token))).toBe(true);
  });

  it("leaves non-manifests and broken YAML to the text rules without failing", () => {
    expect(
      scanContent(ctx, "notes.txt", manifests).filter((h) => h.ruleId.startsWith("kubernetes-")),
    ).toEqual([]);
    expect(() => scanContent(ctx, "bad.yaml", "kind: Secret\ndata: [unclosed\n  x: {")).not.toThrow();
  });

  it("honours disabled structural rules", () => {
    const quiet = buildContext({ disableRules: ["kubernetes-env-literal"] });
    expect(
      scanContent(quiet, "k8s/app.yaml", manifests).some((h) => h.ruleId === "kubernetes-env-literal"),
    ).toBe(false);
  });
});
