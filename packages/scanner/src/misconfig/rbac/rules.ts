import { NIST, NSA } from "../frameworks.js";
import { type K8sObject, asArr, asObj, asStr } from "../kubernetes/objects.js";
import { mapIds } from "../rules.js";
import type { CheckMeta, Rule } from "../types.js";
import type { Path } from "../yaml-source.js";

type RbacRule = Rule<K8sObject, Path>;
const rbac = (m: Omit<CheckMeta, "family">): CheckMeta => ({ ...m, family: "rbac" });
const isRole = (o: K8sObject): boolean => o.kind === "Role" || o.kind === "ClusterRole";
const isBinding = (o: K8sObject): boolean => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding";

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  index: number;
}

export function policyRules(o: K8sObject): PolicyRule[] {
  return asArr(o.value.rules).flatMap((raw, index) => {
    const r = asObj(raw);
    if (!r) return [];
    const list = (k: string): string[] => asArr(r[k]).filter((x): x is string => typeof x === "string");
    return [
      {
        apiGroups: list("apiGroups"),
        resources: list("resources"),
        verbs: list("verbs"),
        resourceNames: list("resourceNames"),
        index,
      },
    ];
  });
}

/**
 * Whether a policy rule grants one of `verbs` on `resource` in `group`. Wildcards count as
 * granting ("*" verbs, resources, apiGroups, and "pods/*" style subresource wildcards).
 */
export function grants(r: PolicyRule, group: string, resource: string, verbs: readonly string[]): boolean {
  if (!r.apiGroups.includes("*") && !r.apiGroups.includes(group)) return false;
  const [base] = resource.split("/");
  const resOk = r.resources.some(
    (x) => x === "*" || x === resource || (resource.includes("/") && x === `${base}/*`),
  );
  if (!resOk) return false;
  return r.verbs.includes("*") || verbs.some((v) => r.verbs.includes(v));
}

function grantRule(
  meta: CheckMeta,
  wants: Array<{ group: string; resource: string; verbs: string[] }>,
  skip?: (r: PolicyRule) => boolean,
): RbacRule {
  return {
    meta,
    appliesTo: isRole,
    check: (o, report) => {
      for (const r of policyRules(o)) {
        if (skip?.(r)) continue;
        const hit = wants.find((w) => grants(r, w.group, w.resource, w.verbs));
        if (hit) report([...o.path, "rules", r.index], `grants ${hit.verbs.join("/")} on ${hit.resource}`);
      }
    },
  };
}

const READ = ["get", "list", "watch"];

export const rbacRules: RbacRule[] = [
  {
    meta: rbac({
      id: "BW-RBAC-001",
      title: "Role uses a wildcard verb or resource",
      severity: "HIGH",
      why: 'A "*" grants every current and future verb or resource, including ones added later by CRDs, so the role silently grows into cluster administration.',
      remediation: 'List the exact verbs and resources the subject needs instead of "*".',
      mappings: mapIds({
        cisK8s: ["5.1.3"],
        nsa: [NSA.rbac],
        nist: [NIST.orchAdmin],
        trivy: ["KSV044", "KSV045", "KSV046"],
        kubescape: ["C-0187"],
        checkov: ["CKV_K8S_49"],
      }),
    }),
    appliesTo: isRole,
    check: (o, report) => {
      for (const r of policyRules(o))
        if (r.verbs.includes("*") || r.resources.includes("*")) report([...o.path, "rules", r.index]);
    },
  },
  {
    meta: rbac({
      id: "BW-RBAC-002",
      title: "Binding grants cluster-admin",
      severity: "HIGH",
      why: "cluster-admin can do anything in every namespace; a token of any bound subject is a full cluster compromise.",
      remediation:
        "Bind a narrowly scoped Role instead; keep cluster-admin for break-glass human access only.",
      mappings: mapIds({
        cisK8s: ["5.1.1"],
        nsa: [NSA.rbac],
        nist: [NIST.orchAdmin],
        trivy: ["KSV111"],
        kubescape: ["C-0035", "C-0185"],
      }),
    }),
    appliesTo: isBinding,
    check: (o, report) => {
      if (asStr(asObj(o.value.roleRef)?.name) === "cluster-admin") report([...o.path, "roleRef", "name"]);
    },
  },
  grantRule(
    rbac({
      id: "BW-RBAC-003",
      title: "Role can read Secrets",
      severity: "HIGH",
      why: "get/list/watch on secrets reveals every credential in scope, including service account tokens of more privileged accounts.",
      remediation:
        "Remove secrets from the rule or restrict it with resourceNames to the specific Secret needed.",
      mappings: mapIds({
        cisK8s: ["5.1.2"],
        nsa: [NSA.rbac],
        nist: [NIST.orchAdmin],
        trivy: ["KSV041"],
        kubescape: ["C-0015", "C-0186"],
      }),
    }),
    [{ group: "", resource: "secrets", verbs: READ }],
    (r) => r.resourceNames.length > 0,
  ),
  grantRule(
    rbac({
      id: "BW-RBAC-004",
      title: "Role can exec or attach into pods",
      severity: "HIGH",
      why: "pods/exec and pods/attach give a shell in any pod in scope, with its service account token and mounted secrets.",
      remediation:
        "Remove pods/exec and pods/attach from the role; grant them only to audited break-glass roles.",
      mappings: mapIds({
        nsa: [NSA.rbac],
        nist: [NIST.orchAdmin],
        trivy: ["KSV053", "KSV054"],
        kubescape: ["C-0002"],
      }),
    }),
    [
      { group: "", resource: "pods/exec", verbs: ["create", "get"] },
      { group: "", resource: "pods/attach", verbs: ["create", "get"] },
    ],
  ),
  grantRule(
    rbac({
      id: "BW-RBAC-005",
      title: "Role can create pods",
      severity: "MEDIUM",
      why: "Creating a pod lets the subject mount any Secret or service account in the namespace and, without admission control, run it privileged on a node.",
      remediation:
        "Grant create on pods only to controllers and CI identities that need it; pair it with Pod Security admission.",
      mappings: mapIds({
        cisK8s: ["5.1.4"],
        nsa: [NSA.rbac],
        nist: [NIST.orchAdmin],
        trivy: ["KSV048"],
        kubescape: ["C-0188"],
      }),
    }),
    [{ group: "", resource: "pods", verbs: ["create"] }],
  ),
  grantRule(
    rbac({
      id: "BW-RBAC-006",
      title: "Role can bind or escalate roles",
      severity: "HIGH",
      why: "bind and escalate bypass RBAC's rule that you cannot grant more than you hold: the subject can give itself cluster-admin.",
      remediation: "Remove the bind and escalate verbs on roles and clusterroles.",
      mappings: mapIds({
        cisK8s: ["5.1.8"],
        nsa: [NSA.rbac],
        nist: [NIST.orchAdmin],
        checkov: ["CKV_K8S_157", "CKV_K8S_158"],
      }),
    }),
    ["roles", "clusterroles"].map((resource) => ({
      group: "rbac.authorization.k8s.io",
      resource,
      verbs: ["bind", "escalate"],
    })),
  ),
  grantRule(
    rbac({
      id: "BW-RBAC-007",
      title: "Role can impersonate users, groups or service accounts",
      severity: "HIGH",
      why: "impersonate lets the subject act as any user or group, including system:masters.",
      remediation: "Remove the impersonate verb, or restrict it with resourceNames to specific identities.",
      mappings: mapIds({ cisK8s: ["5.1.8"], nsa: [NSA.rbac], nist: [NIST.orchAdmin], kubescape: ["C-0065"] }),
    }),
    ["users", "groups", "serviceaccounts"].map((resource) => ({
      group: "",
      resource,
      verbs: ["impersonate"],
    })),
  ),
  {
    meta: rbac({
      id: "BW-RBAC-008",
      title: "Binding grants rights to anonymous or unauthenticated users",
      severity: "CRITICAL",
      why: "Subjects system:anonymous and system:unauthenticated are anyone who can reach the API server.",
      remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects.",
      mappings: mapIds({ nsa: [NSA.authn], nist: [NIST.orchUnauthorized], kubescape: ["C-0262"] }),
    }),
    appliesTo: isBinding,
    check: (o, report) => {
      for (const [i, s] of asArr(o.value.subjects).entries()) {
        const name = asStr(asObj(s)?.name);
        if (name === "system:anonymous" || name === "system:unauthenticated")
          report([...o.path, "subjects", i], `subject ${name}`);
      }
    },
  },
  grantRule(
    rbac({
      id: "BW-RBAC-009",
      title: "Role can use the nodes/proxy subresource",
      severity: "HIGH",
      why: "nodes/proxy reaches the kubelet API directly, which allows running commands in any pod on the node and bypasses API server audit logging.",
      remediation: "Remove nodes/proxy from the role.",
      mappings: mapIds({ nsa: [NSA.rbac], nist: [NIST.orchAdmin], trivy: ["KSV047"] }),
    }),
    [{ group: "", resource: "nodes/proxy", verbs: ["get", "create"] }],
  ),
];
