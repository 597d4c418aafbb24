import { NSA } from "../frameworks.js";
import { grantCheck, isFullAdmin, isRole, meta, policyRules, subjectCheck, type RbacRule } from "./define.js";

/** RBAC grants and bindings beyond the original nine checks (CIS 5.1, Trivy KSV, Kubescape). */
const WRITE = ["create", "update", "patch"];
const WRITE_DELETE = [...WRITE, "delete", "deletecollection"];
const apps = ["deployments", "daemonsets", "statefulsets", "replicasets"];

export const rbacGrantRules: RbacRule[] = [
  grantCheck(
    {
      id: "BW-RBAC-010",
      title: "Role can create or change workload controllers",
      severity: "MEDIUM",
      why: "Whoever can create or patch a Deployment, DaemonSet, StatefulSet, Job or CronJob can run any pod through it: the same power as creating pods, including mounting the namespace's Secrets and service accounts.",
      remediation:
        "Give write access to workload controllers only to CI/CD and operators; pair it with Pod Security admission.",
      cis: ["5.1.4"],
      kubescape: ["C-0188"],
    },
    [
      { group: "apps", resources: apps, verbs: WRITE },
      { group: "batch", resources: ["jobs", "cronjobs"], verbs: WRITE },
      { group: "", resources: ["replicationcontrollers"], verbs: WRITE },
    ],
  ),
  grantCheck(
    {
      id: "BW-RBAC-011",
      title: "Role can change admission webhook configurations",
      severity: "HIGH",
      why: "A mutating webhook sees and can rewrite every object sent to the API, Secrets included; deleting a validating webhook switches policy enforcement off.",
      remediation:
        "Restrict write access to validating/mutating webhook configurations to cluster administrators.",
      cis: ["5.1.12"],
      trivy: ["KSV114"],
    },
    [
      {
        group: "admissionregistration.k8s.io",
        resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
        verbs: WRITE_DELETE,
      },
    ],
  ),
  grantCheck(
    {
      id: "BW-RBAC-012",
      title: "Role can approve certificate signing requests",
      severity: "HIGH",
      why: "Approving CSRs lets the subject mint client certificates for any user or group the signer allows, system:masters included on some signers.",
      remediation:
        "Remove update on certificatesigningrequests/approval and approve on signers from the role.",
      cis: ["5.1.11"],
    },
    [
      {
        group: "certificates.k8s.io",
        resources: ["certificatesigningrequests/approval"],
        verbs: ["update", "patch"],
      },
      { group: "certificates.k8s.io", resources: ["signers"], verbs: ["approve"] },
    ],
  ),
  grantCheck(
    {
      id: "BW-RBAC-013",
      title: "Role can create service account tokens",
      severity: "HIGH",
      why: "create on serviceaccounts/token mints a token for any service account in scope, and with it that account's rights.",
      remediation: "Remove create on serviceaccounts/token; the kubelet obtains tokens for pods without it.",
      cis: ["5.1.13"],
    },
    [{ group: "", resources: ["serviceaccounts/token"], verbs: ["create"] }],
  ),
  grantCheck(
    {
      id: "BW-RBAC-014",
      title: "Role can create PersistentVolumes",
      severity: "HIGH",
      why: "A PersistentVolume can be a hostPath volume: creating one and claiming it mounts any node directory into a pod, around Pod Security.",
      remediation: "Let only storage administrators and provisioners create persistentvolumes.",
      cis: ["5.1.9"],
    },
    [{ group: "", resources: ["persistentvolumes"], verbs: ["create"] }],
  ),
  {
    meta: meta({
      id: "BW-RBAC-015",
      title: "Role grants every verb on every resource",
      severity: "CRITICAL",
      why: 'verbs ["*"] on resources ["*"] is cluster-admin under another name (within its scope), including rights on resource types added later.',
      remediation: "Replace the rule with the specific resources and verbs the subject uses.",
      cis: ["5.1.3"],
      trivy: ["KSV044"],
      kubescape: ["C-0187"],
      checkov: ["CKV_K8S_49"],
    }),
    appliesTo: isRole,
    check: (o, report) => {
      for (const r of policyRules(o)) if (isFullAdmin(r)) report([...o.path, "rules", r.index], "* on */*");
    },
  },
  subjectCheck(
    {
      id: "BW-RBAC-016",
      title: "Binding grants rights to every authenticated user",
      severity: "HIGH",
      why: "system:authenticated includes every service account of every namespace and, on many managed clusters, any account of the cloud provider.",
      remediation:
        "Bind the role to specific users, groups or service accounts instead of system:authenticated.",
      nsa: NSA.authn,
      kubescape: ["C-0262"],
    },
    (kind, name) => kind === "Group" && name === "system:authenticated",
  ),
  subjectCheck(
    {
      id: "BW-RBAC-017",
      title: "Binding names the system:masters group",
      severity: "HIGH",
      why: "system:masters bypasses RBAC entirely and cannot be revoked by removing bindings; binding it suggests credentials are being issued for it.",
      remediation: "Do not use system:masters; bind a dedicated group to a scoped role.",
      cis: ["5.1.7"],
    },
    (kind, name) => kind === "Group" && name === "system:masters",
  ),
  subjectCheck(
    {
      id: "BW-RBAC-018",
      title: "Binding grants rights to a default service account",
      severity: "MEDIUM",
      why: "Every pod that names no service account runs as `default`: rights bound to it go to every such pod in the namespace.",
      remediation: "Create a dedicated service account for the workload and bind the role to it.",
      cis: ["5.1.5"],
      kubescape: ["C-0189"],
    },
    (kind, name) => kind === "ServiceAccount" && name === "default",
  ),
  grantCheck(
    {
      id: "BW-RBAC-019",
      title: "Role can change NetworkPolicies",
      severity: "MEDIUM",
      why: "Whoever can edit or delete network policies can open the namespace to lateral movement and exfiltration.",
      remediation:
        "Restrict write access to NetworkPolicy and CiliumNetworkPolicy objects to platform administrators.",
      trivy: ["KSV056"],
      nsa: NSA.netpol,
    },
    [
      { group: "networking.k8s.io", resources: ["networkpolicies"], verbs: WRITE_DELETE },
      {
        group: "cilium.io",
        resources: ["ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies"],
        verbs: WRITE_DELETE,
      },
    ],
  ),
  grantCheck(
    {
      id: "BW-RBAC-020",
      title: "Role can change Services, Endpoints or Ingresses",
      severity: "MEDIUM",
      why: "Editing Services, Endpoints or Ingresses redirects traffic: a subject can expose internal services or send another service's clients to a pod it controls.",
      remediation:
        "Limit write access to Services, Endpoints, EndpointSlices and Ingresses to deployment pipelines.",
      trivy: ["KSV056"],
      nsa: NSA.netpol,
    },
    [
      { group: "", resources: ["services", "endpoints"], verbs: WRITE },
      { group: "discovery.k8s.io", resources: ["endpointslices"], verbs: WRITE },
      { group: "networking.k8s.io", resources: ["ingresses"], verbs: WRITE },
    ],
  ),
  grantCheck(
    {
      id: "BW-RBAC-021",
      title: "Role can create or change Secrets",
      severity: "MEDIUM",
      why: "Writing Secrets lets the subject replace credentials other workloads trust (registry pulls, TLS keys, webhook tokens) or create token Secrets for service accounts.",
      remediation:
        "Limit write access on secrets to the controllers that own them, with resourceNames where possible.",
      cis: ["5.1.2"],
      kubescape: ["C-0186"],
    },
    [{ group: "", resources: ["secrets"], verbs: WRITE }],
    { namedOk: true },
  ),
  grantCheck(
    {
      id: "BW-RBAC-022",
      title: "Role can change ConfigMaps",
      severity: "LOW",
      why: "ConfigMaps hold application configuration and scripts; changing them changes what other workloads run (for example kube-system's coredns or aws-auth).",
      remediation: "Limit write access on configmaps, with resourceNames where possible.",
      trivy: ["KSV049"],
    },
    [{ group: "", resources: ["configmaps"], verbs: WRITE }],
    { namedOk: true },
  ),
  grantCheck(
    {
      id: "BW-RBAC-023",
      title: "Role can delete events",
      severity: "MEDIUM",
      why: "Deleting events removes the trace of what happened in the cluster (covering tracks after an intrusion).",
      remediation: "Remove delete and deletecollection on events.",
      kubescape: ["C-0031"],
    },
    [
      { group: "", resources: ["events"], verbs: ["delete", "deletecollection"] },
      { group: "events.k8s.io", resources: ["events"], verbs: ["delete", "deletecollection"] },
    ],
  ),
  grantCheck(
    {
      id: "BW-RBAC-024",
      title: "Role can add ephemeral containers to pods",
      severity: "HIGH",
      why: "Patching pods/ephemeralcontainers starts a new container in a running pod, with that pod's service account, volumes and network: an exec without the exec permission.",
      remediation: "Grant pods/ephemeralcontainers only to break-glass debugging roles.",
      cis: ["5.1.4"],
    },
    [{ group: "", resources: ["pods/ephemeralcontainers"], verbs: ["patch", "update"] }],
  ),
  grantCheck(
    {
      id: "BW-RBAC-025",
      title: "Role can change RBAC roles or bindings",
      severity: "HIGH",
      why: "Write access to Roles and bindings lets the subject grant rights, up to what it holds itself or more with escalate/bind.",
      remediation: "Let only cluster administrators and GitOps controllers write RBAC objects.",
      cis: ["5.1.8"],
      trivy: ["KSV050"],
    },
    [
      {
        group: "rbac.authorization.k8s.io",
        resources: ["roles", "clusterroles", "rolebindings", "clusterrolebindings"],
        verbs: WRITE_DELETE,
      },
    ],
  ),
  grantCheck(
    {
      id: "BW-RBAC-026",
      title: "Role can port-forward to pods",
      severity: "MEDIUM",
      why: "pods/portforward opens a tunnel to any port of any pod in scope, around Services and NetworkPolicies.",
      remediation: "Remove pods/portforward from the role.",
      kubescape: ["C-0063"],
    },
    [{ group: "", resources: ["pods/portforward"], verbs: ["create", "get"] }],
  ),
  grantCheck(
    {
      id: "BW-RBAC-027",
      title: "Role can change namespaces",
      severity: "MEDIUM",
      why: "Patching a Namespace can remove its pod-security.kubernetes.io labels, turning Pod Security admission off for it.",
      remediation: "Limit update/patch on namespaces to cluster administrators.",
      nsa: NSA.podSecurity,
    },
    [{ group: "", resources: ["namespaces"], verbs: ["update", "patch"] }],
  ),
];
