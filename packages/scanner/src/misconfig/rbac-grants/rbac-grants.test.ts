import { describe, expect, it } from "vitest";
import { catalog } from "../catalog.js";
import { scanFiles } from "../testutil/helpers.js";
import { rbacGrantRules } from "./index.js";

/**
 * RBAC objects as charts and operators ship them (a ClusterRole and its binding in one
 * multi-document file, or a v1 List as `kubectl get -o yaml` prints it). Hand-written:
 * no API server runs here. Each check gets a role that fails it and a narrower one that passes.
 */
const role = (rules: string, kind = "ClusterRole") => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: app-operator
${kind === "Role" ? "  namespace: apps\n" : ""}rules:
${rules}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: app-operator
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: app-operator
subjects:
  - kind: ServiceAccount
    name: app-operator
    namespace: operators
`;
const binding = (subject: string) => `apiVersion: v1
kind: List
items:
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata:
      name: readers
      namespace: apps
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: ClusterRole
      name: view
    subjects:
${subject}`;
const READ_PODS = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["get", "list", "watch"]\n';

const CASES: Record<string, { fail: string; pass: string }> = {
  "BW-RBAC-010": {
    fail: role(
      '  - apiGroups: ["apps"]\n    resources: ["deployments", "deployments/scale"]\n    verbs: ["get", "list", "patch"]\n',
    ),
    pass: role(
      '  - apiGroups: ["apps"]\n    resources: ["deployments/scale"]\n    verbs: ["get", "patch"]\n',
    ),
  },
  "BW-RBAC-011": {
    fail: role(
      '  - apiGroups: ["admissionregistration.k8s.io"]\n    resources: ["mutatingwebhookconfigurations"]\n    verbs: ["get", "list", "update"]\n',
    ),
    pass: role(
      '  - apiGroups: ["admissionregistration.k8s.io"]\n    resources: ["mutatingwebhookconfigurations"]\n    verbs: ["get", "list", "watch"]\n',
    ),
  },
  "BW-RBAC-012": {
    fail: role(
      '  - apiGroups: ["certificates.k8s.io"]\n    resources: ["certificatesigningrequests/approval"]\n    verbs: ["update"]\n  - apiGroups: ["certificates.k8s.io"]\n    resources: ["signers"]\n    resourceNames: ["kubernetes.io/kubelet-serving"]\n    verbs: ["approve"]\n',
    ),
    pass: role(
      '  - apiGroups: ["certificates.k8s.io"]\n    resources: ["certificatesigningrequests"]\n    verbs: ["get", "list", "watch", "create"]\n',
    ),
  },
  "BW-RBAC-013": {
    fail: role('  - apiGroups: [""]\n    resources: ["serviceaccounts/token"]\n    verbs: ["create"]\n'),
    pass: role('  - apiGroups: [""]\n    resources: ["serviceaccounts"]\n    verbs: ["get", "list"]\n'),
  },
  "BW-RBAC-014": {
    fail: role(
      '  - apiGroups: [""]\n    resources: ["persistentvolumes"]\n    verbs: ["get", "list", "watch", "create", "delete"]\n',
    ),
    pass: role(
      '  - apiGroups: [""]\n    resources: ["persistentvolumeclaims"]\n    verbs: ["get", "list", "watch", "create"]\n',
    ),
  },
  "BW-RBAC-015": {
    fail: role('  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n'),
    pass: role('  - apiGroups: ["apps"]\n    resources: ["*"]\n    verbs: ["get", "list", "watch"]\n'),
  },
  "BW-RBAC-016": {
    fail: binding(
      "      - kind: Group\n        name: system:authenticated\n        apiGroup: rbac.authorization.k8s.io\n",
    ),
    pass: binding(
      "      - kind: Group\n        name: app-readers\n        apiGroup: rbac.authorization.k8s.io\n",
    ),
  },
  "BW-RBAC-017": {
    fail: binding(
      "      - kind: Group\n        name: system:masters\n        apiGroup: rbac.authorization.k8s.io\n",
    ),
    pass: binding(
      "      - kind: Group\n        name: platform-admins\n        apiGroup: rbac.authorization.k8s.io\n",
    ),
  },
  "BW-RBAC-018": {
    fail: binding("      - kind: ServiceAccount\n        name: default\n        namespace: apps\n"),
    pass: binding("      - kind: ServiceAccount\n        name: reporting\n        namespace: apps\n"),
  },
  "BW-RBAC-019": {
    fail: role(
      '  - apiGroups: ["networking.k8s.io"]\n    resources: ["networkpolicies"]\n    verbs: ["get", "list", "create", "delete"]\n',
    ),
    pass: role(
      '  - apiGroups: ["networking.k8s.io"]\n    resources: ["networkpolicies"]\n    verbs: ["get", "list", "watch"]\n',
    ),
  },
  "BW-RBAC-020": {
    fail: role(
      '  - apiGroups: [""]\n    resources: ["services", "endpoints"]\n    verbs: ["get", "list", "watch", "create", "update"]\n',
    ),
    pass: role(
      '  - apiGroups: [""]\n    resources: ["services", "endpoints"]\n    verbs: ["get", "list", "watch"]\n',
    ),
  },
  "BW-RBAC-021": {
    fail: role(
      '  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["create", "update", "patch"]\n',
      "Role",
    ),
    pass: role(
      '  - apiGroups: [""]\n    resources: ["secrets"]\n    resourceNames: ["app-operator-tls"]\n    verbs: ["update", "patch"]\n',
      "Role",
    ),
  },
  "BW-RBAC-022": {
    fail: role(
      '  - apiGroups: [""]\n    resources: ["configmaps"]\n    verbs: ["get", "create", "update", "patch"]\n',
      "Role",
    ),
    pass: role(
      '  - apiGroups: [""]\n    resources: ["configmaps"]\n    resourceNames: ["app-operator-lock"]\n    verbs: ["get", "update"]\n',
      "Role",
    ),
  },
  "BW-RBAC-023": {
    fail: role(
      '  - apiGroups: ["", "events.k8s.io"]\n    resources: ["events"]\n    verbs: ["create", "patch", "delete"]\n',
    ),
    pass: role(
      '  - apiGroups: ["", "events.k8s.io"]\n    resources: ["events"]\n    verbs: ["create", "patch"]\n',
    ),
  },
  "BW-RBAC-024": {
    fail: role('  - apiGroups: [""]\n    resources: ["pods/ephemeralcontainers"]\n    verbs: ["patch"]\n'),
    pass: role(READ_PODS),
  },
  "BW-RBAC-025": {
    fail: role(
      '  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["rolebindings"]\n    verbs: ["get", "list", "create", "delete"]\n',
    ),
    pass: role(
      '  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["rolebindings", "roles"]\n    verbs: ["get", "list", "watch"]\n',
    ),
  },
  "BW-RBAC-026": {
    fail: role('  - apiGroups: [""]\n    resources: ["pods/portforward"]\n    verbs: ["create"]\n'),
    pass: role(READ_PODS),
  },
  "BW-RBAC-027": {
    fail: role('  - apiGroups: [""]\n    resources: ["namespaces"]\n    verbs: ["get", "list", "patch"]\n'),
    pass: role('  - apiGroups: [""]\n    resources: ["namespaces"]\n    verbs: ["get", "list", "watch"]\n'),
  },
};

describe("RBAC grant and binding checks", () => {
  it("have a failing and a passing manifest for every check", () => {
    const ids = rbacGrantRules.map((r) => r.meta.id).sort();
    expect(Object.keys(CASES).sort()).toEqual(ids);
    for (const id of ids) expect(catalog().find((c) => c.id === id)?.family).toBe("rbac");
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id} fails`, async () => {
      const r = await scanFiles({ "rbac.yaml": c.fail });
      expect(r.findings.map((x) => x.id)).toContain(id);
    });
    it(`${id} passes`, async () => {
      const r = await scanFiles({ "rbac.yaml": c.pass });
      expect(r.findings.map((x) => x.id)).not.toContain(id);
    });
  }

  it("reports the rule's line and what it grants", async () => {
    const r = await scanFiles({ "rbac.yaml": CASES["BW-RBAC-013"]!.fail });
    const f = r.findings.find((x) => x.id === "BW-RBAC-013");
    expect(f?.line).toBe(6);
    expect(f?.message).toBe("create on serviceaccounts/token");
  });
});
