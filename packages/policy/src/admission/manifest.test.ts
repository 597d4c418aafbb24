import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { podCheckHits } from "./pod-checks.js";
import { runCli, selfSignedCert } from "../testing/deps.js";

// The generated objects are validated with kubernetes-models, whose JSON Schemas are
// generated from the Kubernetes OpenAPI spec (kubectl cannot validate without an API server).
const dir = mkdtempSync(join(tmpdir(), "bulwark-manifest-"));
const haveOpenssl = (() => {
  try {
    execFileSync("sh", ["-c", "command -v openssl"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!haveOpenssl)("bulwark admission manifest", () => {
  it("prints a ValidatingWebhookConfiguration, Service and Deployment that validate against the Kubernetes schema", async () => {
    const { certFile } = selfSignedCert(dir, "ca", "bulwark-admission.bulwark-system.svc");
    const r = await runCli(["admission", "manifest", "--ca-file", certFile, "--timeout-seconds", "5"]);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(docs.map((d) => d.kind)).toEqual(["ValidatingWebhookConfiguration", "Service", "Deployment"]);
    const [vwc, svc, dep] = docs;
    expect(() => new ValidatingWebhookConfiguration(vwc).validate()).not.toThrow();
    expect(() => new Service(svc).validate()).not.toThrow();
    expect(() => new Deployment(dep).validate()).not.toThrow();
    const hook = vwc!.webhooks[0];
    expect(hook).toMatchObject({
      timeoutSeconds: 5,
      failurePolicy: "Fail",
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
    });
    expect(Buffer.from(hook.clientConfig.caBundle as string, "base64").toString()).toContain(
      "BEGIN CERTIFICATE",
    );
    expect(hook.rules.flatMap((x: { resources: string[] }) => x.resources).sort()).toEqual([
      "cronjobs",
      "daemonsets",
      "deployments",
      "jobs",
      "pods",
      "replicasets",
      "replicationcontrollers",
      "statefulsets",
    ]);
    // The schema check can fail: a webhook without its required fields does not validate.
    expect(() =>
      new ValidatingWebhookConfiguration({ ...vwc, webhooks: [{ name: "x" }] } as never).validate(),
    ).toThrow();
    // Hardened: Bulwark's own pod checks find nothing above LOW in its Deployment.
    const serious = podCheckHits(dep!).filter((h) => h.severity === "CRITICAL" || h.severity === "HIGH");
    expect(serious).toEqual([]);
  });

  it("refuses a CA file that is not a certificate, and an out-of-range timeout: exit 2", async () => {
    const r = await runCli(["admission", "manifest", "--ca-file", "/etc/hostname"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^bulwark: POLICY_INVALID: --ca-file: \/etc\/hostname is not a PEM certificate\n$/,
    );
    const { certFile } = selfSignedCert(dir, "ca2", "x");
    const t = await runCli(["admission", "manifest", "--ca-file", certFile, "--timeout-seconds", "60"]);
    expect(t.code).toBe(2);
  });
});
