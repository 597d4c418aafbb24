import { describe, expect, it } from "vitest";
import { scanFiles } from "../testutil/helpers.js";
import { workloadContainerRules, workloadPodRules } from "./index.js";

/**
 * Workloads as `helm template` prints them (a `# Source:` comment per document, several
 * documents per stream). Hand-written: no chart renderer runs here. The passing
 * Deployment is hardened; each failing case changes one thing, as a chart value would.
 */
const DEPLOY = `---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  namespace: shop
  labels:
    app.kubernetes.io/name: web
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
      annotations: {}
    spec:
      serviceAccountName: shop-web
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: web
          image: "registry.example.com/shop/web:3.2.0@sha256:3f1c9a0e8b7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d"
          imagePullPolicy: IfNotPresent
          args: ["--listen=:8080"]
          ports:
            - name: http
              containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          resources:
            requests: { cpu: 100m, memory: 128Mi, ephemeral-storage: 64Mi }
            limits: { cpu: 500m, memory: 256Mi, ephemeral-storage: 256Mi }
          livenessProbe:
            httpGet: { path: /healthz, port: http }
          readinessProbe:
            httpGet: { path: /ready, port: http }
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
      volumes:
        - name: tmp
          emptyDir: {}
---
# Source: shop/templates/networkpolicy.yaml
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: shop-web
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app.kubernetes.io/name: web
  ingress:
    - fromEndpoints:
        - matchLabels:
            "k8s:io.kubernetes.pod.namespace": ingress-nginx
`;
const edit = (pairs: Array<[string, string]>): string =>
  pairs.reduce((t, [a, b]) => {
    if (!t.includes(a)) throw new Error(`fixture lacks ${a}`);
    return t.replace(a, b);
  }, DEPLOY);
const podSc = "        seccompProfile:\n          type: RuntimeDefault\n";
const hostVolume = (path: string, readOnly: boolean): Array<[string, string]> => [
  [
    "            - { name: tmp, mountPath: /tmp }",
    `            - { name: tmp, mountPath: /tmp }\n            - { name: host, mountPath: /host${readOnly ? ", readOnly: true" : ""} }`,
  ],
  [
    "          emptyDir: {}",
    `          emptyDir: {}\n        - name: host\n          hostPath: { path: ${path} }`,
  ],
];

const CASES: Record<string, { fail: string; pass?: string }> = {
  "BW-WL-001": {
    fail: edit([
      [
        "          securityContext:\n            allowPrivilegeEscalation",
        '          securityContext:\n            windowsOptions: { hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM" }\n            allowPrivilegeEscalation',
      ],
    ]),
  },
  "BW-WL-002": {
    fail: edit([[podSc, `${podSc}        seLinuxOptions: { type: spc_t }\n`]]),
    pass: edit([[podSc, `${podSc}        seLinuxOptions: { type: container_t, level: "s0:c123,c456" }\n`]]),
  },
  "BW-WL-003": {
    fail: edit([[podSc, `${podSc}        seLinuxOptions: { user: system_u, role: sysadm_r }\n`]]),
    pass: edit([[podSc, `${podSc}        seLinuxOptions: { level: "s0:c123,c456" }\n`]]),
  },
  "BW-WL-004": {
    fail: edit([
      [
        '          args: ["--listen=:8080"]',
        '          command: ["sh", "-c", "sudo -E /app/web --listen=:8080"]',
      ],
    ]),
    pass: edit([
      [
        '          args: ["--listen=:8080"]',
        '          command: ["sh", "-c", "exec /app/web --listen=:8080"]',
      ],
    ]),
  },
  "BW-WL-005": {
    fail: edit([
      ['web:3.2.0@sha256:3f1c9a0e8b7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d"', 'web:3.2"'],
    ]),
    pass: edit([
      [
        'web:3.2.0@sha256:3f1c9a0e8b7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d"\n          imagePullPolicy: IfNotPresent',
        'web:3.2"\n          imagePullPolicy: Always',
      ],
    ]),
  },
  "BW-WL-006": { fail: edit([["runAsUser: 10001", "runAsUser: 1000"]]) },
  "BW-WL-007": { fail: edit([["runAsGroup: 10001", "runAsGroup: 100"]]) },
  "BW-WL-008": { fail: edit([["containerPort: 8080", "containerPort: 80"]]) },
  "BW-WL-009": { fail: edit([["memory: 256Mi, ephemeral-storage: 256Mi", "memory: 256Mi"]]) },
  "BW-WL-010": { fail: edit([["memory: 128Mi, ephemeral-storage: 64Mi", "memory: 128Mi"]]) },
  "BW-WL-011": {
    fail: edit(hostVolume("/var/log/pods", false)),
    pass: edit(hostVolume("/var/log/pods", true)),
  },
  "BW-WL-012": {
    fail: edit([
      ["name: shop-web\n  namespace: shop", "name: tiller-deploy\n  namespace: tiller"],
      [
        '"registry.example.com/shop/web:3.2.0@sha256:3f1c9a0e8b7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d"',
        "gcr.io/kubernetes-helm/tiller:v2.16.12",
      ],
    ]),
  },
  "BW-WL-013": {
    fail: `apiVersion: v1
kind: Pod
metadata:
  name: debug-shell
  namespace: shop
spec:
  containers:
    - name: shell
      image: busybox:1.36
      command: ["sleep", "3600"]
`,
    pass: `apiVersion: v1
kind: Pod
metadata:
  name: shop-web-7c9d8-abcde
  namespace: shop
  ownerReferences:
    - apiVersion: apps/v1
      kind: ReplicaSet
      name: shop-web-7c9d8
      uid: 2b4e1f0c-9a7d-4c1b-8e2f-3a5b6c7d8e9f
      controller: true
spec:
  containers:
    - name: web
      image: busybox:1.36
`,
  },
  "BW-WL-014": { fail: edit([["namespace: shop", "namespace: kube-system"]]) },
  "BW-WL-015": {
    fail: edit([
      [
        "      automountServiceAccountToken: false",
        "      automountServiceAccountToken: false\n      shareProcessNamespace: true",
      ],
    ]),
  },
  "BW-WL-016": {
    fail: edit([
      [
        "      annotations: {}",
        "      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: runtime/default",
      ],
      [podSc, ""],
    ]),
    pass: edit([
      [
        "      annotations: {}",
        "      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: runtime/default",
      ],
    ]),
  },
  "BW-WL-017": {
    fail: edit([
      [
        "      annotations: {}",
        "      annotations:\n        container.apparmor.security.beta.kubernetes.io/web: runtime/default",
      ],
    ]),
    pass: edit([[podSc, `${podSc}        appArmorProfile:\n          type: RuntimeDefault\n`]]),
  },
  "BW-WL-018": { fail: edit(hostVolume("/etc", true)), pass: edit(hostVolume("/var/log/pods", true)) },
};

describe("workload hygiene checks", () => {
  const ids = [...workloadContainerRules, ...workloadPodRules].map((r) => r.meta.id).sort();

  it("have a failing case for every check", () => {
    expect(Object.keys(CASES).sort()).toEqual(ids);
  });

  it("give the hardened chart output no finding at all", async () => {
    const r = await scanFiles({ "rendered.yaml": DEPLOY });
    expect(r.findings.map((f) => `${f.id} ${f.message ?? ""}`)).toEqual([]);
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id} fails`, async () => {
      const r = await scanFiles({ "rendered.yaml": c.fail });
      expect(r.findings.map((x) => x.id)).toContain(id);
    });
    it(`${id} passes`, async () => {
      const r = await scanFiles({ "rendered.yaml": c.pass ?? DEPLOY });
      expect(r.findings.map((x) => x.id)).not.toContain(id);
    });
  }

  it("applies container checks to init and ephemeral containers", async () => {
    const r = await scanFiles({
      "rendered.yaml": edit([
        [
          "      containers:\n",
          '      initContainers:\n        - name: init\n          image: busybox:1.36\n          command: ["sudo", "chown", "-R", "10001", "/data"]\n      containers:\n',
        ],
      ]),
    });
    expect(r.findings.filter((f) => f.id === "BW-WL-004").map((f) => f.message)).toEqual([
      'init container "init": sudo in command',
    ]);
  });
});
