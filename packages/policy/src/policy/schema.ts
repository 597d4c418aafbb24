/**
 * The JSON Schema (draft 2020-12 subset that ajv's default draft-07 mode accepts) of an
 * `ImagePolicy` document. It ships with Bulwark: `bulwark policy schema` prints it so editors
 * can validate policies too. Unknown keys are errors everywhere: a typo must not silently
 * turn a rule off.
 */
const severity = { enum: ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] };
const nonEmpty = { type: "string", minLength: 1 };
const date = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" };

const keySignature = {
  type: "object",
  additionalProperties: false,
  required: ["keys"],
  properties: {
    keys: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["publicKey"],
        properties: { publicKey: nonEmpty },
      },
    },
  },
};

const keylessSignature = {
  type: "object",
  additionalProperties: false,
  required: ["keyless"],
  properties: {
    keyless: {
      type: "object",
      additionalProperties: false,
      required: ["issuer"],
      properties: { issuer: nonEmpty, subject: nonEmpty, subjectRegExp: nonEmpty },
    },
  },
};

export const imagePolicySchema = {
  $id: "https://bulwark.dev/schemas/image-policy-v1.json",
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "bulwark.dev/v1" },
    kind: { const: "ImagePolicy" },
    metadata: {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: { name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" } },
    },
    spec: {
      type: "object",
      additionalProperties: false,
      properties: {
        mode: { enum: ["enforce", "warn", "audit"] },
        registries: { type: "array", items: nonEmpty },
        requireDigest: { type: "boolean" },
        vulnerabilities: {
          type: "object",
          additionalProperties: false,
          properties: {
            maxSeverity: severity,
            kev: { enum: ["deny", "allow"] },
            ignoreUnfixed: { type: "boolean" },
            epssThreshold: { type: "number", minimum: 0, maximum: 1 },
            fixableOlderThanDays: { type: "integer", minimum: 0 },
            ignore: { type: "array", items: nonEmpty },
          },
        },
        secrets: { enum: ["deny", "allow"] },
        misconfigurations: {
          type: "object",
          additionalProperties: false,
          required: ["deny"],
          properties: { deny: { type: "array", items: nonEmpty } },
        },
        maxAgeDays: { type: "integer", minimum: 0 },
        requireSbomAttestation: { type: "boolean" },
        podChecks: {
          type: "object",
          additionalProperties: false,
          properties: {
            minSeverity: severity,
            deny: { type: "array", items: nonEmpty },
            ignore: { type: "array", items: nonEmpty },
          },
        },
        baseImages: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            properties: {
              reference: nonEmpty,
              diffIds: {
                type: "array",
                minItems: 1,
                items: { type: "string", pattern: "^sha256:[0-9a-f]{64}$" },
              },
            },
            minProperties: 1,
          },
        },
        signatures: { type: "array", items: { oneOf: [keySignature, keylessSignature] } },
        exceptions: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["expires", "reason"],
            anyOf: [{ required: ["image"] }, { required: ["namespace"] }],
            properties: {
              image: nonEmpty,
              namespace: nonEmpty,
              expires: date,
              reason: nonEmpty,
              rules: { type: "array", items: nonEmpty },
            },
          },
        },
      },
    },
  },
} as const;
