import { WORKLOAD_KINDS } from "./review.js";

export interface ManifestOptions {
  name: string;
  namespace: string;
  /** Image of Bulwark itself that runs the webhook. */
  image: string;
  /** PEM of the CA that signed the webhook's serving certificate. */
  caPem: string;
  /** Secret holding tls.crt / tls.key and the ConfigMap with the policy files. */
  tlsSecret: string;
  policyConfigMap: string;
  timeoutSeconds: number;
  failurePolicy: "Fail" | "Ignore";
  exemptNamespaces: string[];
  port: number;
}

const GROUPS: Record<string, { group: string; resource: string }> = {
  Pod: { group: "", resource: "pods" },
  Deployment: { group: "apps", resource: "deployments" },
  StatefulSet: { group: "apps", resource: "statefulsets" },
  DaemonSet: { group: "apps", resource: "daemonsets" },
  ReplicaSet: { group: "apps", resource: "replicasets" },
  ReplicationController: { group: "", resource: "replicationcontrollers" },
  Job: { group: "batch", resource: "jobs" },
  CronJob: { group: "batch", resource: "cronjobs" },
};

function rules(): object[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of WORKLOAD_KINDS) {
    const g = GROUPS[kind]!;
    byGroup.set(g.group, [...(byGroup.get(g.group) ?? []), g.resource]);
  }
  return [...byGroup].map(([group, resources]) => ({
    apiGroups: [group],
    apiVersions: ["v1"],
    operations: ["CREATE", "UPDATE"],
    resources,
    scope: "Namespaced",
  }));
}

export function webhookConfiguration(o: ManifestOptions): object {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: o.name },
    webhooks: [
      {
        name: `${o.name}.bulwark.dev`,
        admissionReviewVersions: ["v1"],
        sideEffects: "None",
        timeoutSeconds: o.timeoutSeconds,
        failurePolicy: o.failurePolicy,
        matchPolicy: "Equivalent",
        clientConfig: {
          caBundle: Buffer.from(o.caPem).toString("base64"),
          service: { name: o.name, namespace: o.namespace, path: "/validate", port: 443 },
        },
        // The webhook's own namespace is always exempt: it must be able to restart itself.
        namespaceSelector: {
          matchExpressions: [
            {
              key: "kubernetes.io/metadata.name",
              operator: "NotIn",
              values: [...new Set([o.namespace, ...o.exemptNamespaces])],
            },
          ],
        },
        rules: rules(),
      },
    ],
  };
}

/** A Deployment for the webhook that passes Bulwark's own pod checks: non-root, read-only, no capabilities. */
export function webhookDeployment(o: ManifestOptions): object {
  const labels = { "app.kubernetes.io/name": o.name };
  const exempt = o.exemptNamespaces.map((n) => `--exempt-namespace=${n}`);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "webhook",
              image: o.image,
              imagePullPolicy: "Always",
              args: [
                "admission",
                "serve",
                "--listen",
                `0.0.0.0:${o.port}`,
                "--tls-cert",
                "/tls/tls.crt",
                "--tls-key",
                "/tls/tls.key",
                "--policy",
                "/policy/policy.yaml",
                ...exempt,
              ],
              ports: [{ name: "https", containerPort: o.port }],
              readinessProbe: { httpGet: { path: "/healthz", port: o.port, scheme: "HTTPS" } },
              livenessProbe: { httpGet: { path: "/healthz", port: o.port, scheme: "HTTPS" } },
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "1", memory: "512Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "tls", mountPath: "/tls", readOnly: true },
                { name: "policy", mountPath: "/policy", readOnly: true },
                { name: "cache", mountPath: "/home/nonroot/.cache" },
              ],
            },
          ],
          volumes: [
            { name: "tls", secret: { secretName: o.tlsSecret } },
            { name: "policy", configMap: { name: o.policyConfigMap } },
            { name: "cache", emptyDir: {} },
          ],
        },
      },
    },
  };
}

export function webhookService(o: ManifestOptions): object {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      selector: { "app.kubernetes.io/name": o.name },
      ports: [{ name: "https", port: 443, targetPort: o.port }],
    },
  };
}
