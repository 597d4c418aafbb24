/**
 * JSON Schemas of request bodies and parameters. They are both the OpenAPI document's
 * components and fastify's validators, so the document cannot drift from what is enforced.
 */
const SEVERITY = { type: "string", enum: ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] };
const SHORT = { type: "string", maxLength: 512 };
const LONG = { type: "string", maxLength: 8192 };
const K8S_NAME = { type: "string", maxLength: 253 };

const finding = {
  type: "object",
  required: ["kind", "id", "severity"],
  properties: {
    kind: { type: "string", enum: ["vulnerability", "misconfiguration", "secret", "malware"] },
    id: SHORT,
    severity: SEVERITY,
    package: {
      type: "object",
      required: ["name", "version"],
      properties: { name: SHORT, version: SHORT, purl: LONG, ecosystem: SHORT },
    },
    location: { type: "object", required: ["path"], properties: { path: LONG } },
    fixedVersion: { type: ["string", "null"], maxLength: 512 },
    kev: { type: "boolean" },
    epss: { type: "number", minimum: 0, maximum: 1 },
    file: LONG,
    line: { type: "integer", minimum: 0 },
    fingerprint: SHORT,
    sha256: { type: "string", pattern: "^[a-f0-9]{64}$" },
  },
  allOf: [
    {
      if: { properties: { kind: { const: "vulnerability" } } },
      then: { required: ["package", "location", "fixedVersion"] },
    },
    { if: { properties: { kind: { const: "secret" } } }, then: { required: ["fingerprint", "file"] } },
    { if: { properties: { kind: { const: "misconfiguration" } } }, then: { required: ["file", "line"] } },
    { if: { properties: { kind: { const: "malware" } } }, then: { required: ["file", "sha256"] } },
  ],
};

const pkg = {
  type: "object",
  required: ["type", "name", "version"],
  properties: {
    type: SHORT,
    name: SHORT,
    version: SHORT,
    purl: LONG,
    locations: { type: "array", maxItems: 10000 },
  },
};

const inventory = {
  type: "object",
  required: ["packages"],
  properties: {
    packages: { type: "array", maxItems: 500_000, items: pkg },
    os: { type: "object" },
    layers: { type: "array", maxItems: 1000 },
    image: {
      type: "object",
      properties: {
        digest: { type: "string", pattern: "^sha256:[a-f0-9]{64}$" },
        configDigest: { type: "string", pattern: "^sha256:[a-f0-9]{64}$" },
        repoTags: { type: "array", maxItems: 1000, items: LONG },
        repoDigests: { type: "array", maxItems: 1000, items: LONG },
      },
    },
  },
};

export const scanUpload = {
  type: "object",
  required: ["report"],
  properties: {
    reportId: { type: "string", pattern: "^[A-Za-z0-9:._-]{8,128}$" },
    report: {
      type: "object",
      required: ["schemaVersion", "target", "findings", "summary", "generatedAt"],
      properties: {
        schemaVersion: { type: "integer", enum: [1] },
        target: LONG,
        generatedAt: { type: "string", maxLength: 64 },
        findings: { type: "array", maxItems: 1_000_000, items: finding },
        summary: { type: "object" },
      },
    },
    inventory,
    exposure: {
      type: "array",
      maxItems: 10_000,
      items: {
        type: "object",
        required: ["image", "namespace", "workload", "services", "ingress", "hostPorts"],
        additionalProperties: false,
        properties: {
          // Kubernetes names are at most 253 characters; an image reference, 1,024 here.
          image: { type: "string", maxLength: 1024 },
          namespace: K8S_NAME,
          workload: { type: "string", maxLength: 300 },
          serviceType: { type: "string", maxLength: 64 },
          services: { type: "array", maxItems: 100, items: K8S_NAME },
          ingress: { type: "boolean" },
          hostPorts: {
            type: "array",
            maxItems: 100,
            items: { type: "integer", minimum: 0, maximum: 65535 },
          },
        },
      },
    },
  },
};

/** What `bulwark sbom … --server` sends: the inventory alone; the server matches it. */
export const inventoryUpload = {
  type: "object",
  required: ["target", "inventory"],
  properties: {
    reportId: { type: "string", pattern: "^[A-Za-z0-9:._-]{8,128}$" },
    target: LONG,
    inventory,
  },
};

const TIME = { type: "string", format: "date-time", maxLength: 64 };

export const alertsUpload = {
  type: "object",
  required: ["alerts"],
  properties: {
    alerts: {
      type: "array",
      maxItems: 10_000,
      items: {
        type: "object",
        required: ["rule", "severity", "message", "at"],
        properties: {
          id: SHORT,
          asset: SHORT,
          node: SHORT,
          rule: SHORT,
          severity: SEVERITY,
          message: LONG,
          at: TIME,
          data: { type: "object" },
        },
      },
    },
  },
};

export const evidenceUpload = {
  type: "object",
  required: ["evidence"],
  properties: {
    evidence: {
      type: "array",
      maxItems: 10_000,
      items: {
        type: "object",
        required: ["asset", "kind", "from", "to", "data"],
        properties: {
          id: SHORT,
          asset: SHORT,
          kind: {
            type: "string",
            enum: [
              "packages_in_use",
              "loaded_files",
              "listening_ports",
              "flows",
              "baseline",
              "privilege",
              "exposure",
            ],
          },
          from: TIME,
          to: TIME,
          data: { type: "object" },
        },
      },
    },
  },
};

const NAME = { type: "string", pattern: "^[A-Za-z0-9._@-]{1,64}$" };
const PASSWORD = { type: "string", minLength: 12, maxLength: 1024 };

export const setupBody = {
  type: "object",
  required: ["token", "name", "password"],
  properties: { token: SHORT, name: NAME, password: PASSWORD },
};
export const loginBody = {
  type: "object",
  required: ["name", "password"],
  properties: { name: SHORT, password: { type: "string", maxLength: 1024 } },
};
export const userBody = {
  type: "object",
  required: ["name", "role"],
  properties: {
    name: NAME,
    role: { type: "string", enum: ["admin", "security", "developer", "agent"] },
    password: PASSWORD,
  },
};
export const tokenBody = {
  type: "object",
  required: ["scope"],
  properties: { scope: { type: "string", enum: ["ingest", "read", "admin"] }, name: NAME },
};

const LIMIT = { type: "integer", minimum: 1, maximum: 1000, default: 100 };
export const findingsQuery = {
  type: "object",
  properties: {
    state: { type: "string", enum: ["open", "fixed"] },
    severity: SEVERITY,
    kind: { type: "string", enum: ["vulnerability", "misconfiguration", "secret", "malware"] },
    asset: SHORT,
    after: { type: "string", pattern: "^[a-f0-9]{1,64}$" },
    limit: LIMIT,
  },
  additionalProperties: false,
};
export const pageQuery = {
  type: "object",
  properties: { after: SHORT, asset: SHORT, limit: LIMIT },
  additionalProperties: false,
};
export const keyParams = {
  type: "object",
  required: ["key"],
  properties: { key: { type: "string", pattern: "^[a-f0-9]{40}$" } },
};
export const assetParams = { type: "object", required: ["asset"], properties: { asset: SHORT } };
export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[a-f0-9]{24}$" } },
};
