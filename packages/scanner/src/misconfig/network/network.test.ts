import { describe, expect, it } from "vitest";
import { scanFiles } from "../testutil/helpers.js";
import { networkRules } from "./rules.js";

/**
 * Services, Ingresses and NetworkPolicies as charts render them (hand-written: no
 * renderer or API server here). Each check gets a failing and a passing object.
 */
const svc = (spec: string, annotations = "") => `apiVersion: v1
kind: Service
metadata:
  name: shop-web
  namespace: shop
${annotations}spec:
${spec}`;
const ingress = (body: string, annotations = "") => `---
# Source: shop/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop-web
  namespace: shop
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
${annotations}spec:
  ingressClassName: nginx
${body}`;
const RULES = `  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: { name: shop-web, port: { name: http } }
`;
const TLS = `  tls:
    - hosts: [shop.example.com]
      secretName: shop-web-tls
`;
const netpol = (rules: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: shop-web
  namespace: shop
spec:
  podSelector:
    matchLabels: { app.kubernetes.io/name: web }
  policyTypes: [Ingress, Egress]
${rules}`;
const PORTS = "  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n";

const CASES: Record<string, { fail: string; pass: string }> = {
  "BW-NET-001": {
    fail: svc(`  type: ClusterIP\n  externalIPs: [203.0.113.10]\n${PORTS}`),
    pass: svc(`  type: ClusterIP\n${PORTS}`),
  },
  "BW-NET-002": {
    fail: svc(`  type: LoadBalancer\n${PORTS}`),
    pass: svc(`  type: LoadBalancer\n  loadBalancerSourceRanges: [198.51.100.0/24]\n${PORTS}`),
  },
  "BW-NET-003": {
    fail: svc("  type: NodePort\n  ports:\n    - name: postgres\n      port: 5432\n      nodePort: 30432\n"),
    pass: svc("  type: ClusterIP\n  ports:\n    - name: postgres\n      port: 5432\n"),
  },
  "BW-NET-004": { fail: ingress(RULES), pass: ingress(`${TLS}${RULES}`) },
  "BW-NET-005": {
    fail: ingress(
      `${TLS}${RULES}`,
      '    nginx.ingress.kubernetes.io/configuration-snippet: |\n      more_set_headers "X-Frame-Options: DENY";\n',
    ),
    pass: ingress(`${TLS}${RULES}`, '    nginx.ingress.kubernetes.io/proxy-body-size: "8m"\n'),
  },
  "BW-NET-006": {
    fail: ingress(
      `${TLS}${RULES}`,
      '    nginx.ingress.kubernetes.io/permanent-redirect: "https://shop.example.com;}location ~* ^/x { alias /var/run/secrets/;"\n',
    ),
    pass: ingress(
      `${TLS}${RULES}`,
      '    nginx.ingress.kubernetes.io/permanent-redirect: "https://shop.example.com/new"\n',
    ),
  },
  "BW-NET-007": {
    fail: ingress(`${TLS}${RULES.replace("    - host: shop.example.com\n      http:", "    - http:")}`),
    pass: ingress(`${TLS}${RULES}`),
  },
  "BW-NET-008": {
    fail: netpol("  ingress:\n    - {}\n"),
    pass: netpol(
      "  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: { kubernetes.io/metadata.name: ingress-nginx }\n",
    ),
  },
  "BW-NET-009": {
    fail: netpol("  egress:\n    - to:\n        - ipBlock: { cidr: 0.0.0.0/0 }\n"),
    pass: netpol(
      "  egress:\n    - to:\n        - ipBlock: { cidr: 0.0.0.0/0, except: [169.254.169.254/32, 10.0.0.0/8] }\n      ports: [{ port: 443, protocol: TCP }]\n",
    ),
  },
  "BW-NET-010": {
    fail: svc("  type: ExternalName\n  externalName: kubernetes.default.svc.cluster.local\n"),
    pass: svc(`  type: ClusterIP\n  selector: { app.kubernetes.io/name: web }\n${PORTS}`),
  },
};

describe("network exposure checks", () => {
  it("have a failing and a passing object for every check", () => {
    expect(Object.keys(CASES).sort()).toEqual(networkRules.map((r) => r.meta.id).sort());
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id} fails`, async () => {
      const r = await scanFiles({ "net.yaml": c.fail });
      expect(r.findings.map((x) => x.id)).toContain(id);
    });
    it(`${id} passes`, async () => {
      const r = await scanFiles({ "net.yaml": c.pass });
      expect(r.findings.map((x) => x.id)).not.toContain(id);
    });
  }

  it("treats an internal load balancer as not internet-facing", async () => {
    const r = await scanFiles({
      "svc.yaml": svc(
        `  type: LoadBalancer\n${PORTS}`,
        '  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-internal: "true"\n',
      ),
    });
    expect(r.findings.map((x) => x.id)).not.toContain("BW-NET-002");
  });

  it("BW-NET-011 reports each namespace without any policy once, and accepts Cilium ones", async () => {
    const deploy = (name: string, ns: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata: { labels: { app: ${name} } }\n    spec:\n      containers: [{ name: c, image: "registry.example.com/${name}:1.0" }]\n`;
    const cilium =
      "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: { name: deny, namespace: billing }\nspec:\n  endpointSelector: {}\n  ingress: [{}]\n";
    const r = await scanFiles({
      "all.yaml": [deploy("a", "shop"), deploy("b", "shop"), deploy("c", "billing"), cilium].join("---\n"),
    });
    expect(r.findings.filter((f) => f.id === "BW-NET-011").map((f) => f.message)).toEqual([
      "namespace shop has no NetworkPolicy or CiliumNetworkPolicy",
    ]);
    const clusterwide = await scanFiles({
      "all.yaml": [
        deploy("a", "shop"),
        "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: { name: baseline }\nspec:\n  endpointSelector: {}\n  ingress: [{}]\n",
      ].join("---\n"),
    });
    expect(clusterwide.findings.map((f) => f.id)).not.toContain("BW-NET-011");
  });
});
