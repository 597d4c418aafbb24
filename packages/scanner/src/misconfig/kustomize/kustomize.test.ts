import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { scanConfigPath } from "../engine.js";
import type { MisconfigFinding } from "../../../../model/src/finding.js";
import { renderKustomization } from "./render.js";

/**
 * A base and a prod overlay written the way the Kustomize docs show them (namespace,
 * namePrefix, commonLabels, commonAnnotations, images, a strategic-merge patch file and an
 * inline JSON 6902 patch). The real renderer (`kubectl kustomize`, which embeds kustomize)
 * is the oracle for the rendered objects.
 */
const testdata = join(import.meta.dirname, "testdata");
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const copy = (): string => {
  const d = mkdtempSync(join(tmpdir(), "bulwark-kustomize-"));
  made.push(d);
  cpSync(testdata, d, { recursive: true });
  return d;
};

const key = (o: Record<string, unknown>): string =>
  `${String(o.kind)}/${String((o.metadata as Record<string, unknown>).name)}`;
const sortObjects = (list: Array<Record<string, unknown>>) =>
  [...list].sort((a, b) => key(a).localeCompare(key(b)));

function kubectlKustomize(dir: string): Array<Record<string, unknown>> {
  const out = execFileSync("kubectl", ["kustomize", dir], {
    encoding: "utf8",
    env: { ...process.env, KUBECONFIG: "/dev/null" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  return parseAllDocuments(out).map((d) => d.toJS() as Record<string, unknown>);
}

describe("built-in kustomize rendering", () => {
  for (const dir of ["base", "overlays/prod"])
    it(`renders ${dir} as kubectl kustomize does`, () => {
      const root = copy();
      const ours = renderKustomization(join(root, dir), root);
      expect(ours.problems).toEqual([]);
      expect(sortObjects(ours.objects.map((o) => o.value))).toEqual(
        sortObjects(kubectlKustomize(join(root, dir))),
      );
    });

  it("checks the rendered overlay once, with findings on the source files' lines", async () => {
    const root = copy();
    const r = await scanConfigPath(root, { cacheDir: root, scanners: ["misconfig"] });
    expect(r.issues).toEqual([]);
    const findings = r.findings as MisconfigFinding[];
    const priv = findings.filter((f) => f.id === "BW-K8S-001");
    // Privileged comes from the overlay's patch; reported once (the base is not rendered on its own).
    expect(priv).toHaveLength(1);
    expect(priv[0]!.resource).toEqual({ kind: "Deployment", namespace: "shop-prod", name: "prod-web" });
    expect(priv[0]!.file).toBe("base/deployment.yaml");
    // A field that exists in the base is reported at its own line there.
    const noRoot = findings.find((f) => f.id === "BW-K8S-003");
    expect(noRoot?.file).toBe("base/deployment.yaml");
    expect(findings.find((f) => f.id === "BW-K8S-021")).toBeUndefined(); // tag set by images:
    expect(findings.some((f) => f.file.startsWith("overlays/") && f.id === "BW-K8S-001")).toBe(false);
  });

  it("warns about what it does not render and keeps going", async () => {
    const root = copy();
    writeFileSync(
      join(root, "overlays/prod/kustomization.yaml"),
      "resources:\n  - ../../base\n  - https://github.com/example/repo//deploy?ref=v1\nconfigMapGenerator:\n  - name: cfg\n    literals: [A=1]\n",
    );
    const r = await scanConfigPath(root, { cacheDir: root, scanners: ["misconfig"] });
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining("configMapGenerator is not supported"),
        expect.stringContaining("remote resource https://github.com/example/repo//deploy?ref=v1 skipped"),
      ]),
    );
    expect(r.findings.length).toBeGreaterThan(0);
  });

  it("reports a missing resource as an issue of the kustomization", async () => {
    const root = copy();
    writeFileSync(
      join(root, "overlays/prod/kustomization.yaml"),
      "resources:\n  - ../../base\n  - missing.yaml\n",
    );
    const r = await scanConfigPath(root, { cacheDir: root, scanners: ["misconfig"] });
    expect(r.issues).toEqual([
      {
        path: "overlays/prod/kustomization.yaml",
        code: "PARSE",
        message: "kustomize: resource missing.yaml does not exist",
      },
    ]);
  });
});
