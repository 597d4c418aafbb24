import { describe, expect, it } from "vitest";
import { ids, pod, scanFiles, type MisconfigResult } from "../testutil/helpers.js";
import { imageAllowed, parseImageRef } from "./image-ref.js";

// Hand-written manifests: each case follows the documented Kubernetes semantics of one field.
const only = (r: MisconfigResult, id: string) => r.findings.filter((f) => f.id === id);

describe("security context inheritance and defaults", () => {
  it("inherits runAsNonRoot from the pod; a container can override it", async () => {
    const r = await scanFiles({
      "p.yaml": pod(`  securityContext:
    runAsNonRoot: true
  containers:
    - name: inherits
      image: a:1
    - name: overrides
      image: a:1
      securityContext:
        runAsNonRoot: false
`),
    });
    const hits = only(r, "BW-K8S-003");
    expect(hits).toHaveLength(1);
    expect(hits[0]!.message).toContain('"overrides"');
    expect(hits[0]!.line).toBe(15);
  });

  it("accepts a non-zero runAsUser without runAsNonRoot, flags UID 0 where it is set", async () => {
    const r = await scanFiles({
      "p.yaml": pod(`  securityContext:
    runAsUser: 1000
  containers:
    - name: ok
      image: a:1
    - name: root
      image: a:1
      securityContext:
        runAsUser: 0
`),
    });
    expect(only(r, "BW-K8S-003").map((f) => f.message)).toEqual(['container "root"']);
    expect(only(r, "BW-K8S-004").map((f) => f.line)).toEqual([15]);
  });

  it("treats allowPrivilegeEscalation as allowed unless false, and always with privileged or SYS_ADMIN", async () => {
    const r = await scanFiles({
      "p.yaml": pod(`  containers:
    - name: unset
      image: a:1
    - name: off
      image: a:1
      securityContext: { allowPrivilegeEscalation: false }
    - name: off-but-sysadmin
      image: a:1
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: { add: ["CAP_SYS_ADMIN"] }
`),
    });
    expect(only(r, "BW-K8S-002").map((f) => f.message?.split(":")[0])).toEqual([
      'container "unset"',
      'container "off-but-sysadmin"',
    ]);
  });

  it("distinguishes drop ALL, drop NET_RAW and default versus non-default added capabilities", async () => {
    const r = await scanFiles({
      "p.yaml": pod(`  containers:
    - name: all
      image: a:1
      securityContext: { capabilities: { drop: ["ALL"] } }
    - name: netraw
      image: a:1
      securityContext: { capabilities: { drop: ["NET_RAW"], add: ["CHOWN"] } }
    - name: netadmin
      image: a:1
      securityContext: { capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } }
`),
    });
    const names = (id: string) => only(r, id).map((f) => /"([^"]+)"/.exec(f.message ?? "")?.[1]);
    expect(names("BW-K8S-005")).toEqual(["netraw"]);
    expect(names("BW-K8S-007")).toEqual([]);
    expect(names("BW-K8S-008")).toEqual(["netadmin"]);
  });

  it("reads seccomp from the container, the pod and the legacy annotations", async () => {
    const r = await scanFiles({
      "annotated.yaml": pod(
        `  containers:\n    - name: a\n      image: a:1\n`,
        `  namespace: apps\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n`,
      ),
      "override.yaml": pod(`  securityContext:
    seccompProfile: { type: Unconfined }
  containers:
    - name: local
      image: a:1
      securityContext: { seccompProfile: { type: Localhost, localhostProfile: p.json } }
    - name: inherits
      image: a:1
`),
    });
    expect(only(r, "BW-K8S-016").map((f) => [f.file, f.message])).toEqual([
      ["override.yaml", 'container "inherits": seccomp profile Unconfined'],
    ]);
  });

  it("checks init and ephemeral containers, skipping checks that do not apply to ephemeral ones", async () => {
    const r = await scanFiles({
      "p.yaml": pod(`  initContainers:
    - name: init
      image: a:1
      securityContext: { privileged: true }
  ephemeralContainers:
    - name: debugger
      image: a:1
      securityContext: { privileged: true }
  containers: []
`),
    });
    expect(only(r, "BW-K8S-001").map((f) => f.message)).toEqual([
      'init container "init"',
      'ephemeral container "debugger"',
    ]);
    // Security-context checks apply to every container (issue 17); resources cannot be set
    // on ephemeral containers (the API rejects them), so limits are not asked of them.
    for (const id of ["BW-K8S-005", "BW-K8S-009"])
      expect(only(r, id).map((f) => f.message)).toEqual([
        'init container "init"',
        'ephemeral container "debugger"',
      ]);
    expect(only(r, "BW-K8S-018").map((f) => f.message)).toEqual(['init container "init"']);
    // Probes are for long-running app containers only.
    expect(only(r, "BW-K8S-033")).toEqual([]);
  });
});

describe("applicability", () => {
  it("runs no pod check on Services, ConfigMaps or Secrets", async () => {
    const r = await scanFiles({
      "objs.yaml": `apiVersion: v1
kind: Service
metadata: { name: s, namespace: apps }
spec: { type: ClusterIP, ports: [{ port: 80 }] }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: c, namespace: apps }
data: { mode: fast }
---
apiVersion: v1
kind: Secret
metadata: { name: x, namespace: apps }
stringData: { password: hunter2 }
`,
    });
    expect(r.findings).toEqual([]);
    // 028, 031, 032 and the network family's BW-NET-001 and BW-NET-010 (any Service).
    expect(r.summary?.misconfigChecksEvaluated).toBe(5);
  });

  it("does not require probes on Jobs and CronJobs", async () => {
    const r = await scanFiles({
      "j.yaml": `apiVersion: batch/v1\nkind: Job\nmetadata: { name: j, namespace: apps }\nspec:\n  template:\n    spec:\n      containers: [{ name: j, image: a:1 }]\n`,
    });
    expect(ids(r)).not.toContain("BW-K8S-033");
    expect(ids(r)).toContain("BW-K8S-002");
  });

  it("scans items of List kinds and JSON manifests with line numbers", async () => {
    const r = await scanFiles({
      "list.yaml": `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: { name: ok, namespace: apps }
    spec: { type: ClusterIP }
  - apiVersion: v1
    kind: Service
    metadata: { name: exposed, namespace: apps }
    spec:
      type: LoadBalancer
`,
      "svc.json": JSON.stringify(
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "j", namespace: "apps" },
          spec: { type: "NodePort" },
        },
        null,
        2,
      ),
      "package.json": '{ "name": "not-a-manifest" }',
    });
    expect(only(r, "BW-K8S-031").map((f) => [f.file, f.line, f.resource?.name])).toEqual([
      ["list.yaml", 12, "exposed"],
      ["svc.json", 9, "j"],
    ]);
    // The LoadBalancer has no source ranges either (network family).
    expect(only(r, "BW-NET-002").map((f) => [f.file, f.line])).toEqual([["list.yaml", 12]]);
  });
});

describe("cross-object checks", () => {
  const deploy = (ns: string, labels: string, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata: { name: d, namespace: ${ns} }
spec:
  template:
    metadata: { labels: ${labels} }
    spec:
      serviceAccountName: app
${extra}      containers: [{ name: c, image: a:1 }]
`;
  const netpol = (ns: string, selector: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: n, namespace: ${ns} }\nspec:\n  podSelector: ${selector}\n`;

  it("matches NetworkPolicy selectors (labels, expressions, namespace)", async () => {
    const cases: Array<[string, boolean]> = [
      [netpol("apps", "{}"), true],
      [netpol("other", "{}"), false],
      [netpol("apps", "{ matchLabels: { app: web } }"), true],
      [netpol("apps", "{ matchLabels: { app: db } }"), false],
      [netpol("apps", "{ matchExpressions: [{ key: tier, operator: NotIn, values: [front] }] }"), false],
      [netpol("apps", "{ matchExpressions: [{ key: app, operator: Exists }] }"), true],
    ];
    for (const [policy, covered] of cases) {
      const r = await scanFiles({ "d.yaml": deploy("apps", "{ app: web, tier: front }"), "n.yaml": policy });
      expect(ids(r).includes("BW-K8S-030"), policy).toBe(!covered);
    }
  });

  it("honours automountServiceAccountToken: false on the ServiceAccount unless the pod sets true", async () => {
    const sa = `apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: app, namespace: apps }\nautomountServiceAccountToken: false\n`;
    const off = await scanFiles({ "d.yaml": deploy("apps", "{ app: web }"), "sa.yaml": sa });
    expect(ids(off)).not.toContain("BW-K8S-024");
    const forced = await scanFiles({
      "d.yaml": deploy("apps", "{ app: web }", "      automountServiceAccountToken: true\n"),
      "sa.yaml": sa,
    });
    expect(ids(forced)).toContain("BW-K8S-024");
    const otherNs = await scanFiles({ "d.yaml": deploy("web", "{ app: web }"), "sa.yaml": sa });
    expect(ids(otherNs)).toContain("BW-K8S-024");
  });
});

describe("image references", () => {
  it("parses registries, tags and digests", () => {
    expect(parseImageRef("nginx")).toEqual({
      registry: "docker.io",
      repo: "nginx",
      tag: undefined,
      digest: undefined,
    });
    expect(parseImageRef("localhost:5000/a/b:1.2@sha256:ab")).toEqual({
      registry: "localhost:5000",
      repo: "a/b",
      tag: "1.2",
      digest: "sha256:ab",
    });
    expect(parseImageRef("ghcr.io/org/app:v1").registry).toBe("ghcr.io");
  });

  it("matches allowed registries and repository prefixes", () => {
    const allowed = ["registry.example.com/shop", "docker.io/library"];
    expect(imageAllowed("registry.example.com/shop/api:1", allowed)).toBe(true);
    expect(imageAllowed("registry.example.com/other/api:1", allowed)).toBe(false);
    expect(imageAllowed("registry.example.com/shopping/api:1", allowed)).toBe(false);
    expect(imageAllowed("nginx:1.27", ["docker.io"])).toBe(true);
  });

  it("accepts a digest without a tag and flags latest", async () => {
    const r = await scanFiles({
      "p.yaml": pod(`  containers:
    - { name: a, image: "nginx@sha256:0123" }
    - { name: b, image: "nginx:latest" }
`),
    });
    expect(only(r, "BW-K8S-021").map((f) => f.message)).toEqual(['container "b": image nginx:latest']);
    expect(only(r, "BW-K8S-022").map((f) => f.message)).toEqual(['container "b": image nginx:latest']);
  });
});
