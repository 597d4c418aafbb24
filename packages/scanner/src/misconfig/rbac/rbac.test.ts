import { describe, expect, it } from "vitest";
import { ids, scanFiles } from "../testutil/helpers.js";
import { grants } from "./rules.js";

// Hand-written Roles: each case follows the documented RBAC matching of apiGroups, resources and verbs.
const role = (rules: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: r, namespace: apps }\nrules:\n${rules}`;
const rule = (over: Partial<Record<"apiGroups" | "resources" | "verbs" | "resourceNames", string[]>>) => ({
  apiGroups: [""],
  resources: [],
  verbs: [],
  resourceNames: [],
  index: 0,
  ...over,
});

describe("RBAC grant matching", () => {
  it("treats *, group wildcards and subresource wildcards as granting", () => {
    expect(grants(rule({ resources: ["pods/*"], verbs: ["create"] }), "", "pods/exec", ["create"])).toBe(
      true,
    );
    expect(grants(rule({ resources: ["pods"], verbs: ["create"] }), "", "pods/exec", ["create"])).toBe(false);
    expect(
      grants(rule({ apiGroups: ["*"], resources: ["secrets"], verbs: ["*"] }), "", "secrets", ["get"]),
    ).toBe(true);
    expect(
      grants(rule({ apiGroups: ["apps"], resources: ["secrets"], verbs: ["get"] }), "", "secrets", ["get"]),
    ).toBe(false);
  });

  it("flags wildcard verbs without inventing other grants", async () => {
    const r = await scanFiles({
      "r.yaml": role(`  - apiGroups: [""]\n    resources: ["configmaps"]\n    verbs: ["*"]\n`),
    });
    // "*" includes create/update/patch, so changing ConfigMaps (BW-RBAC-022) is granted too.
    expect(ids(r)).toEqual(["BW-RBAC-001", "BW-RBAC-022"]);
  });

  it("accepts reading one named secret, flags reading all of them", async () => {
    const named = await scanFiles({
      "r.yaml": role(
        `  - apiGroups: [""]\n    resources: ["secrets"]\n    resourceNames: ["db"]\n    verbs: ["get"]\n`,
      ),
    });
    expect(ids(named)).toEqual([]);
    const all = await scanFiles({
      "r.yaml": role(`  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["watch"]\n`),
    });
    expect(ids(all)).toEqual(["BW-RBAC-003"]);
  });

  it("flags pods/exec through a pods/* wildcard and escalate on clusterroles", async () => {
    const r = await scanFiles({
      "r.yaml": role(`  - apiGroups: [""]
    resources: ["pods/*"]
    verbs: ["create"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs: ["escalate"]
`),
    });
    // pods/* also grants pods/portforward (BW-RBAC-026).
    expect(ids(r)).toEqual(["BW-RBAC-004", "BW-RBAC-006", "BW-RBAC-026"]);
  });

  it("flags bindings to system:anonymous but not to a named group", async () => {
    const binding = (name: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: b, namespace: apps }
subjects: [{ kind: User, name: "${name}" }]
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: viewer }
`;
    expect(ids(await scanFiles({ "b.yaml": binding("system:anonymous") }))).toEqual(["BW-RBAC-008"]);
    expect(ids(await scanFiles({ "b.yaml": binding("alice") }))).toEqual([]);
  });
});
