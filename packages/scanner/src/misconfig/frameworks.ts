/**
 * Controls of the frameworks `--compliance` groups results by, with short titles
 * (paraphrased). Versions: CIS Kubernetes Benchmark v1.8, CIS Docker Benchmark v1.5.0,
 * NSA/CISA Kubernetes Hardening Guidance v1.2, NIST SP 800-190 section 4.
 */
import { CIS_K8S_EXTRA_TITLES } from "./controlplane/cis-titles.js";

export const FRAMEWORKS = {
  "cis-kubernetes": "CIS Kubernetes Benchmark v1.8",
  "cis-docker": "CIS Docker Benchmark v1.5.0",
  "nsa-cisa": "NSA/CISA Kubernetes Hardening Guidance v1.2",
  "nist-800-190": "NIST SP 800-190 (countermeasures, section 4)",
} as const;
export type FrameworkName = keyof typeof FRAMEWORKS;

export function isFramework(name: string): name is FrameworkName {
  return Object.hasOwn(FRAMEWORKS, name);
}

/** NSA/CISA guide sections, used as mapping ids. */
export const NSA = {
  nonRoot: "Pod security: non-root containers",
  immutableFs: "Pod security: immutable container file systems",
  secureImages: "Pod security: building secure container images",
  podSecurity: "Pod security: pod security enforcement",
  saTokens: "Pod security: protecting Pod service account tokens",
  hardening: "Pod security: hardening container environments",
  namespaces: "Network separation: namespaces",
  netpol: "Network separation: network policies",
  resources: "Network separation: resource policies",
  controlPlane: "Network separation: control plane hardening",
  workerNodes: "Network separation: worker node segmentation",
  secrets: "Network separation: secrets",
  rbac: "Authentication and authorization: role-based access control",
  authn: "Authentication and authorization: authentication",
} as const;

/** NIST SP 800-190 section 4 countermeasure headings, used as mapping ids. */
export const NIST = {
  imageConfig: "4.1.2",
  imageSecrets: "4.1.4",
  untrustedImages: "4.1.5",
  orchAdmin: "4.3.1",
  orchUnauthorized: "4.3.2",
  orchNetwork: "4.3.3",
  orchMixing: "4.3.4",
  orchNodeTrust: "4.3.5",
  ctrNetwork: "4.4.2",
  ctrRuntimeConfig: "4.4.3",
  ctrAppVulns: "4.4.4",
  hostAttackSurface: "4.5.1",
  hostSharedKernel: "4.5.2",
  hostUserAccess: "4.5.4",
  hostFsTampering: "4.5.5",
} as const;

const NIST_TITLES: Record<string, string> = {
  "4.1.2": "Image configuration defects",
  "4.1.4": "Embedded clear text secrets",
  "4.1.5": "Use of untrusted images",
  "4.3.1": "Unbounded administrative access",
  "4.3.2": "Unauthorized access",
  "4.3.3": "Poorly separated inter-container network traffic",
  "4.3.4": "Mixing of workload sensitivity levels",
  "4.3.5": "Orchestrator node trust",
  "4.4.2": "Unbounded network access from containers",
  "4.4.3": "Insecure container runtime configurations",
  "4.4.4": "App vulnerabilities",
  "4.5.1": "Large attack surface",
  "4.5.2": "Shared kernel",
  "4.5.4": "Improper user access rights",
  "4.5.5": "Host file system tampering",
};

const CIS_K8S_TITLES: Record<string, string> = {
  "1.1.13": "admin.conf permissions 600 or stricter",
  "1.1.15": "scheduler.conf permissions 600 or stricter",
  "1.1.17": "controller-manager.conf permissions 600 or stricter",
  "1.1.20": "PKI certificate file permissions 600 or stricter",
  "1.1.21": "PKI key file permissions 600",
  "4.1.5": "kubelet.conf permissions 600 or stricter",
  "4.1.9": "kubelet config file permissions 600 or stricter",
  "4.2.1": "kubelet anonymous auth disabled",
  "4.2.2": "kubelet authorization mode not AlwaysAllow",
  "4.2.4": "kubelet read-only port disabled",
  "4.2.9": "kubelet serving certificate set as appropriate",
  "4.2.10": "kubelet certificate rotation not disabled",
  "5.1.1": "cluster-admin only used where required",
  "5.1.2": "Minimize access to secrets",
  "5.1.3": "Minimize wildcard use in Roles and ClusterRoles",
  "5.1.4": "Minimize access to create pods",
  "5.1.5": "Default service accounts not actively used",
  "5.1.6": "Service account tokens only mounted where necessary",
  "5.1.8": "Limit bind, impersonate and escalate permissions",
  "5.2.2": "Minimize admission of privileged containers",
  "5.2.3": "Minimize containers sharing the host PID namespace",
  "5.2.4": "Minimize containers sharing the host IPC namespace",
  "5.2.5": "Minimize containers sharing the host network namespace",
  "5.2.6": "Minimize allowPrivilegeEscalation",
  "5.2.7": "Minimize root containers",
  "5.2.8": "Minimize containers with NET_RAW",
  "5.2.9": "Minimize containers with added capabilities",
  "5.2.10": "Minimize containers with capabilities assigned",
  "5.2.12": "Minimize HostPath volumes",
  "5.2.13": "Minimize containers using HostPorts",
  "5.3.2": "All namespaces have NetworkPolicies",
  "5.4.1": "Prefer secrets as files over environment variables",
  "5.7.2": "seccomp profile set to RuntimeDefault",
  "5.7.3": "Apply security context to pods and containers",
  "5.7.4": "The default namespace should not be used",
};

const CIS_DOCKER_TITLES: Record<string, string> = {
  "2.2": "Restrict traffic between containers on the default bridge",
  "2.7": "TLS authentication for the Docker daemon",
  "2.9": "User namespace support enabled",
  "2.14": "Containers restricted from acquiring new privileges",
  "2.15": "Live restore enabled",
  "3.16": "Docker socket permissions 660 or stricter",
  "3.18": "daemon.json permissions 644 or stricter",
  "4.1": "A user for the container has been created",
  "4.2": "Containers use only trusted base images",
  "4.6": "HEALTHCHECK instructions added",
  "4.7": "Update instructions not used alone",
  "4.8": "setuid and setgid permissions removed",
  "4.9": "COPY used instead of ADD",
  "4.10": "Secrets not stored in Dockerfiles",
  "4.11": "Only verified packages installed",
  "5.1": "AppArmor profile enabled",
  "5.3": "Linux kernel capabilities restricted",
  "5.4": "Privileged containers not used",
  "5.5": "Sensitive host directories not mounted",
  "5.6": "sshd not run within containers",
  "5.7": "Privileged ports not mapped",
  "5.9": "Host network namespace not shared",
  "5.10": "Memory usage limited",
  "5.11": "CPU priority set",
  "5.12": "Root filesystem mounted read-only",
  "5.15": "Host process namespace not shared",
  "5.16": "Host IPC namespace not shared",
  "5.17": "Host devices not directly exposed",
  "5.21": "Default seccomp profile not disabled",
  "5.25": "Container restricted from acquiring additional privileges",
  "5.26": "Container health checked at runtime",
  "5.31": "Docker socket not mounted inside containers",
};

/** Short control titles per framework (NSA/CISA ids are their own titles). */
export const CONTROL_TITLES: Record<FrameworkName, Record<string, string>> = {
  "nist-800-190": NIST_TITLES,
  "cis-kubernetes": { ...CIS_K8S_EXTRA_TITLES, ...CIS_K8S_TITLES },
  "cis-docker": CIS_DOCKER_TITLES,
  "nsa-cisa": {},
};
