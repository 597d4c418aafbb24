import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "../yaml-source.js";
import { scanFiles, type MisconfigResult } from "../testutil/helpers.js";

/**
 * Issue 17: files that real users write and that the checks misread. Each case failed on
 * the code before the fix. Hand-written Dockerfiles and manifests (no real component here
 * produces them), each modelled on a pattern from public projects.
 */
const hits = (r: MisconfigResult, id: string) => r.findings.filter((f) => f.id === id);
const df = (body: string) => scanFiles({ Dockerfile: `FROM debian:12.5\n${body}USER 10001\n` });

describe("Dockerfile misreadings", () => {
  it("sees TLS verification disabled by a variable set on a RUN line", async () => {
    for (const line of [
      "RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci",
      "RUN GIT_SSL_NO_VERIFY=true git clone https://git.example/x.git",
      "RUN PIP_TRUSTED_HOST=pypi.example pip install -r req.txt",
      'RUN CURL_CA_BUNDLE="" python fetch.py',
      "RUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci",
    ]) {
      const r = await df(`${line}\n`);
      expect(
        hits(r, "BW-DF-011").map((f) => f.line),
        line,
      ).toEqual([2]);
    }
  });

  it("does not take a quoted or post-`--` word for a package manager flag", async () => {
    const r = await df(
      'RUN grep -q -- --force-yes /etc/apt/apt.conf.d/* || true\nRUN echo "--allow-unauthenticated is forbidden here" > /etc/policy.txt\n',
    );
    expect(hits(r, "BW-DF-012")).toEqual([]);
    const bad = await df("RUN apt-get install -y --allow-unauthenticated curl\n");
    expect(hits(bad, "BW-DF-012").map((f) => f.line)).toEqual([2]);
  });

  it("does not report installing the sudo package as using sudo", async () => {
    const r = await df("RUN apt-get update && apt-get install -y --no-install-recommends sudo\n");
    expect(hits(r, "BW-DF-008")).toEqual([]);
    const bad = await df("RUN sudo apt-get update\n");
    expect(hits(bad, "BW-DF-008").map((f) => f.line)).toEqual([2]);
  });

  it("reads a quoted local archive in ADD as local", async () => {
    const r = await df('ADD "local.tar.gz" /x\nADD ["rootfs.tar.xz", "/"]\n');
    expect(hits(r, "BW-DF-004")).toEqual([]);
    expect(hits(r, "BW-DF-005")).toEqual([]);
  });

  it("reports a base image built from an ARG without a default as unresolved, not untagged", async () => {
    const r = await scanFiles({ Dockerfile: "ARG TAG\nFROM node:${TAG}\nUSER node\n" });
    expect(hits(r, "BW-DF-002")).toEqual([]);
    expect(hits(r, "BW-DF-003")).toEqual([]);
    expect(hits(r, "BW-DF-015").map((f) => f.line)).toEqual([2]);
    const dflt = await scanFiles({ Dockerfile: "ARG TAG=latest\nFROM node:${TAG}\nUSER node\n" });
    expect(hits(dflt, "BW-DF-002").map((f) => f.line)).toEqual([2]);
    expect(hits(dflt, "BW-DF-015")).toEqual([]);
  });

  it("finds secret-looking names such as SIGNING_KEY, STRIPE_KEY and GPG_PRIVATE_KEY in ENV", async () => {
    const r = await df(
      "ENV SIGNING_KEY=c2lnbmluZy1rZXk STRIPE_KEY=sk_live_51Habc GPG_PRIVATE_KEY=LS0tLS1CRUdJTg\n",
    );
    expect(hits(r, "BW-DF-007").map((f) => f.message)).toEqual([
      "ENV SIGNING_KEY",
      "ENV STRIPE_KEY",
      "ENV GPG_PRIVATE_KEY",
    ]);
  });

  it("does not take a file path for a secret value", async () => {
    const r = await df("ENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json\n");
    expect(hits(r, "BW-DF-007")).toEqual([]);
  });
});

const deployment = (env: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
  namespace: shop
spec:
  selector:
    matchLabels: { app: billing }
  template:
    metadata:
      labels: { app: billing }
    spec:
      containers:
        - name: api
          image: registry.example/billing:1.4.2
          env:
${env}`;

describe("Kubernetes and Compose misreadings", () => {
  it("finds SIGNING_KEY and STRIPE_KEY literals in Pod env and Compose", async () => {
    const r = await scanFiles({
      "deploy.yaml": deployment(
        "            - name: SIGNING_KEY\n              value: c2lnbmluZy1rZXk\n            - name: STRIPE_KEY\n              value: sk_live_51Habc\n",
      ),
      "compose.yaml":
        "services:\n  web:\n    image: shop/web:2.1\n    environment:\n      STRIPE_KEY: sk_live_51Habc\n",
    });
    expect(hits(r, "BW-K8S-027").map((f) => f.message)).toEqual([
      'container "api": env SIGNING_KEY',
      'container "api": env STRIPE_KEY',
    ]);
    expect(hits(r, "BW-COMPOSE-007")).toHaveLength(1);
  });

  it("does not report a credentials file path in env as a secret value", async () => {
    const r = await scanFiles({
      "deploy.yaml": deployment(
        "            - name: GOOGLE_APPLICATION_CREDENTIALS\n              value: /var/secrets/google/key.json\n",
      ),
      "compose.yaml":
        "services:\n  web:\n    image: shop/web:2.1\n    environment:\n      - GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json\n",
    });
    expect(hits(r, "BW-K8S-027")).toEqual([]);
    expect(hits(r, "BW-COMPOSE-007")).toEqual([]);
  });

  it("applies security-context checks to ephemeral containers", async () => {
    const r = await scanFiles({
      "debug.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
  ephemeralContainers:
    - name: debugger
      image: busybox:1.36
      stdin: true
      tty: true
`,
    });
    for (const id of ["BW-K8S-009", "BW-K8S-005", "BW-K8S-007"])
      expect(
        hits(r, id).some((f) => f.message?.includes('ephemeral container "debugger"')),
        id,
      ).toBe(true);
  });

  it("counts CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy as network policies", async () => {
    const r = await scanFiles({
      "all.yaml": `${deployment("            - name: LOG_LEVEL\n              value: info\n")}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: billing
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app: billing
  ingress:
    - fromEndpoints:
        - matchLabels: { app: frontend }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: jobs }
spec:
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec:
      containers: [{ name: w, image: "registry.example/worker:3.0" }]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: { name: default-deny-jobs }
spec:
  endpointSelector:
    matchLabels:
      "k8s:io.kubernetes.pod.namespace": jobs
  ingress: [{}]
`,
    });
    expect(hits(r, "BW-K8S-030")).toEqual([]);
  });

  it("reads a multi-line quoted command that is indented no deeper than its dash", async () => {
    // Accepted by PyYAML, Ruby's Psych (libyaml) and the Go parser kubectl uses.
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: migrate
spec:
  containers:
  - name: migrate
    image: registry.example/migrate:1.0
    command:
    - sh
    - -c
    - "until pg_isready -h db; do sleep 1; done;
    exec ./migrate up"
`;
    const [doc] = parseYamlDocuments(text);
    const spec = (doc!.value as { spec: { containers: Array<{ command: string[] }> } }).spec;
    expect(spec.containers[0]!.command[2]).toBe(
      "until pg_isready -h db; do sleep 1; done; exec ./migrate up",
    );
    expect(doc!.lineAt(["spec", "containers", 0, "command", 2])).toBe(12);
    const r = await scanFiles({ "pod.yaml": text });
    expect(r.issues ?? []).toEqual([]);
    expect(r.findings.length).toBeGreaterThan(0);
  });
});
