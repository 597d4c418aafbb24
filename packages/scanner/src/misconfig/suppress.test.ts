import { describe, expect, it } from "vitest";
import { ids, scanFiles } from "./testutil/helpers.js";

// Hand-written manifests exercising Bulwark's own suppression syntax.
const svc = (extraMeta = "", typeLine = "  type: NodePort") => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
${extraMeta}spec:
${typeLine}
`;

describe("suppression", () => {
  it("applies an inline comment on the finding's line and lists it with its reason", async () => {
    const r = await scanFiles({
      "s.yaml": svc("", "  type: NodePort # bulwark:ignore=BW-K8S-031 bare-metal cluster, no LB"),
    });
    expect(r.findings).toEqual([]);
    expect(r.suppressed).toEqual([
      expect.objectContaining({
        by: "inline",
        reason: "bare-metal cluster, no LB",
        finding: expect.objectContaining({ id: "BW-K8S-031" }),
      }),
    ]);
  });

  it("applies a comment on the line above, and a header comment to the whole resource", async () => {
    const above = await scanFiles({
      "s.yaml": svc("", "  # bulwark:ignore=BW-K8S-031 lab only\n  type: NodePort"),
    });
    expect(ids(above)).toEqual([]);
    const header = await scanFiles({ "s.yaml": `# bulwark:ignore=BW-K8S-031 lab only\n${svc()}` });
    expect(ids(header)).toEqual([]);
    expect(header.suppressed).toHaveLength(1);
    // A header comment of one document does not cover the next one.
    const two = await scanFiles({ "s.yaml": `# bulwark:ignore=BW-K8S-031 lab only\n${svc()}---\n${svc()}` });
    expect(two.findings.map((f) => f.line)).toEqual([16]);
  });

  it("does not apply a suppression without a reason and warns about it", async () => {
    const r = await scanFiles({ "s.yaml": svc("", "  type: NodePort # bulwark:ignore=BW-K8S-031") });
    expect(ids(r)).toEqual(["BW-K8S-031"]);
    expect(r.suppressed).toEqual([]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^s\.yaml:7: suppression of BW-K8S-031 has no reason/),
    ]);
  });

  it("applies the bulwark.dev/ignore annotation, per id, with reasons", async () => {
    const r = await scanFiles({
      "s.yaml": svc(
        `  annotations:\n    bulwark.dev/ignore: "BW-K8S-031=exposed on purpose; BW-K8S-032"\n`,
        "  type: NodePort\n  ports: [{ port: 22 }]",
      ),
    });
    expect(ids(r)).toEqual(["BW-K8S-032"]);
    expect(r.suppressed.map((s) => [s.by, s.reason])).toEqual([["annotation", "exposed on purpose"]]);
    expect(r.warnings).toHaveLength(1);
  });

  it("applies inline comments in Dockerfiles to the next instruction", async () => {
    const r = await scanFiles({
      Dockerfile:
        "FROM debian:12@sha256:ab\n# bulwark:ignore=BW-DF-001 init container needs root\nUSER root\nHEALTHCHECK CMD true\n",
    });
    expect(ids(r)).toEqual([]);
    expect(r.suppressed.map((s) => s.finding.id)).toEqual(["BW-DF-001"]);
  });
});
