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
        kind: fc.constantFrom("Pod", "Deployment", "Service", "Ingress", "CronJob", "DaemonSet"),
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
