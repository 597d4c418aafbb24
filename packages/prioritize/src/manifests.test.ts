import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { exposureFromManifests, exposureOfImage, fullReference, mergeExposure } from "./manifests.js";
import { isExposed, scoreFinding } from "./score.js";

const here = dirname(fileURLToPath(import.meta.url));
const docsOf = (text: string): unknown[] => parseAllDocuments(text).map((d) => d.toJS() as unknown);
const shop = docsOf(readFileSync(join(here, "testdata/shop.yaml"), "utf8"));
const API = `sha256:${"1".repeat(64)}`;

describe("exposure from Kubernetes manifests", () => {
  const all = exposureFromManifests(shop);
  const of = (refs: string[], digests: string[] = []) => exposureOfImage(all, { refs, digests });

  it("follows Services by selector and namespace, and Ingresses to their Services", () => {
    const rows = all.map((e) => [
      e.workload,
      e.namespace,
      e.serviceType ?? "-",
      e.ingress,
      e.hostPorts.join(","),
    ]);
    expect(rows).toEqual([
      ["Deployment/api", "shop", "ClusterIP", true, ""],
      ["StatefulSet/admin", "shop", "NodePort", false, ""],
      ["Deployment/admin", "staging", "-", false, ""],
      ["Deployment/worker", "shop", "-", false, ""],
      ["DaemonSet/agent", "default", "-", false, "9100"],
      ["CronJob/report", "default", "-", false, "8125"],
    ]);
  });

  it("names an image by reference, Docker Hub short forms and pinned digest alike", () => {
    expect(of(["registry.example/other@" + API], [API])).toEqual({ serviceType: "ClusterIP", ingress: true });
    expect(of(["registry.example/shop/admin:2"])).toEqual({ serviceType: "NodePort" });
    expect(of(["docker.io/library/agent:latest"])).toEqual({ hostPorts: [9100] });
    expect(of(["registry.example/shop/worker:3"])).toEqual({});
    expect(of(["registry.example/not-deployed:1"])).toBeUndefined();
    expect(fullReference("nginx")).toBe("docker.io/library/nginx:latest");
    expect(fullReference("localhost:5000/app")).toBe("localhost:5000/app:latest");
    expect(fullReference("user/app:1")).toBe("docker.io/user/app:1");
  });

  it("ranks exposure with its reason; an unselected workload is not exposed", () => {
    const f = {
      id: "CVE-X",
      severity: "HIGH" as const,
      package: { name: "p", version: "1" },
      fixedVersion: "2",
      kev: false,
      cvss: null,
    };
    const api = scoreFinding(f, { exposure: of([], [API])! });
    expect(api.exposed).toBe(true);
    expect(api.why).toMatch(/exposed: behind an Ingress/);
    expect(scoreFinding(f, { exposure: of(["registry.example/shop/admin:2"])! }).why).toMatch(
      /Service type NodePort/,
    );
    expect(isExposed({ exposure: of(["registry.example/shop/worker:3"])! })).toBe(false);
  });

  it("adds runtime and manifest evidence together", () => {
    expect(
      mergeExposure({ listeningPorts: [80], northSouthFlows: 2 }, { serviceType: "NodePort", ingress: true }),
    ).toEqual({ listeningPorts: [80], northSouthFlows: 2, serviceType: "NodePort", ingress: true });
    expect(mergeExposure({ serviceType: "LoadBalancer" }, { serviceType: "ClusterIP" })?.serviceType).toBe(
      "LoadBalancer",
    );
  });

  it("never throws on documents of any shape (property)", () => {
    const doc = fc.oneof(
      fc.anything(),
      fc.record({
        kind: fc.constantFrom(
          "Pod",
          "Deployment",
          "Service",
          "Ingress",
          "CronJob",
          "DaemonSet",
          "NetworkPolicy",
        ),
        metadata: fc.anything(),
        spec: fc.anything(),
      }),
    );
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 8 }), (docs) => {
        for (const e of exposureFromManifests(docs)) expect(typeof e.image).toBe("string");
      }),
      { numRuns: 500 },
    );
  });

  describe("NetworkPolicies", () => {
    // Hand-written: kubectl has no generator for NetworkPolicies (`kubectl create` cannot
    // write one), and the documents follow networking.k8s.io/v1 as the API reference gives it.
    const web = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web, tier: front } }
    spec:
      containers: [{ name: web, image: "registry.example/shop/web:1", ports: [{ containerPort: 80, hostPort: 8080 }] }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec: { defaultBackend: { service: { name: web, port: { number: 80 } } } }
`;
    const policy = (namespace: string, spec: string) =>
      `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p, namespace: ${namespace} }\nspec: ${spec}\n`;
    const exposure = (...policies: string[]) =>
      exposureOfImage(exposureFromManifests(docsOf(web + policies.join(""))), {
        refs: ["registry.example/shop/web:1"],
        digests: [],
      });
    const open = { serviceType: "LoadBalancer", ingress: true, hostPorts: [8080] };
    const closed = { hostPorts: [8080] };

    it("a default-deny policy selecting the pods takes Service and Ingress exposure away", () => {
      expect(exposure()).toEqual(open);
      expect(exposure(policy("shop", "{ podSelector: {}, policyTypes: [Ingress] }"))).toEqual(closed);
      expect(exposure(policy("shop", "{ podSelector: { matchLabels: { app: web } } }"))).toEqual(closed);
      expect(
        exposure(
          policy(
            "shop",
            "{ podSelector: { matchExpressions: [{ key: tier, operator: In, values: [front] }] } }",
          ),
        ),
      ).toEqual(closed);
    });

    it("any ingress rule, another namespace, other pods or an egress-only policy leave it exposed", () => {
      expect(exposure(policy("shop", "{ podSelector: {}, ingress: [{}] }"))).toEqual(open);
      expect(
        exposure(
          policy("shop", "{ podSelector: {} }"),
          policy(
            "shop",
            "{ podSelector: { matchLabels: { app: web } }, ingress: [{ from: [{ podSelector: {} }] }] }",
          ),
        ),
      ).toEqual(open);
      expect(exposure(policy("other", "{ podSelector: {} }"))).toEqual(open);
      expect(exposure(policy("shop", "{ podSelector: { matchLabels: { app: db } } }"))).toEqual(open);
      expect(exposure(policy("shop", "{ podSelector: {}, policyTypes: [Egress] }"))).toEqual(open);
      expect(
        exposure(policy("shop", "{ podSelector: { matchExpressions: [{ key: app, operator: Near }] } }")),
      ).toEqual(open);
    });

    it("does not apply to pods on the host network", () => {
      const host = web.replace("containers:", "hostNetwork: true\n      containers:");
      const found = exposureFromManifests(docsOf(host + policy("shop", "{ podSelector: {} }")));
      expect(exposureOfImage(found, { refs: ["registry.example/shop/web:1"], digests: [] })).toEqual({
        serviceType: "LoadBalancer",
        ingress: true,
        hostPorts: [80, 8080],
      });
    });
  });

  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
  it.skipIf(!kubectl)("reads what kubectl writes (skipped without kubectl)", () => {
    const dry = (...args: string[]) =>
      execFileSync("kubectl", ["create", ...args, "--dry-run=client", "-o", "yaml"], { encoding: "utf8" });
    const text = [
      dry("deployment", "web", "--image=registry.example/shop/web:1.4", "--port=8080"),
      dry("service", "loadbalancer", "web", "--tcp=80:8080"),
      dry("ingress", "web", "--rule=shop.example/*=web:80"),
      dry("deployment", "batch", "--image=registry.example/shop/batch:1"),
    ].join("\n---\n");
    const found = exposureFromManifests(docsOf(text));
    expect(exposureOfImage(found, { refs: ["registry.example/shop/web:1.4"], digests: [] })).toEqual({
      serviceType: "LoadBalancer",
      ingress: true,
    });
    expect(
      isExposed({
        exposure: exposureOfImage(found, { refs: ["registry.example/shop/batch:1"], digests: [] })!,
      }),
    ).toBe(false);
  });
});
