import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { LineCounter, parseAllDocuments, type Document } from "yaml";
import type { Severity } from "../deps.js";
import { PolicyError } from "../errors.js";
import { GlobError, compileGlob } from "./glob.js";
import { imagePolicySchema } from "./schema.js";
import type { ImagePolicy, KeyRef, Mode, PolicyException, PolicySet, SignatureRequirement } from "./types.js";
import { lineOf } from "./yaml-lines.js";
import { loadTrustedRoot } from "../signature/trusted-root.js";

/** A policy file is configuration written by people; anything bigger is a mistake. */
const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 64 * 1024;

// strictRequired is off: the exceptions rule "image or namespace" is an anyOf of `required` lists.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(imagePolicySchema);

/** Where in a file a value sits, for "FILE:LINE: message" errors. */
interface At {
  file: string;
  doc: Document;
  lines: LineCounter;
}

function fail(at: At, pointer: string, message: string, key?: string): never {
  throw new PolicyError("POLICY_INVALID", `${at.file}:${lineOf(at.doc, at.lines, pointer, key)}: ${message}`);
}

function describe(e: ErrorObject): { message: string; key?: string } {
  const where = e.instancePath || "/";
  if (e.keyword === "additionalProperties") {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return { message: `unknown key "${key}" in ${where}`, key };
  }
  if (e.keyword === "enum")
    return {
      message: `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`,
    };
  if (e.keyword === "const")
    return {
      message: `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`,
    };
  return { message: `${where} ${e.message ?? "is invalid"}` };
}

/** The most useful schema error first: a named unknown key beats a oneOf summary. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) =>
    e.keyword === "additionalProperties" ? 0 : ["oneOf", "anyOf"].includes(e.keyword) ? 2 : 1;
  return [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length)[0]!;
}

function readPolicyFile(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new PolicyError("POLICY_INVALID", `${file}: cannot read policy file`);
  }
  if (size > MAX_POLICY_BYTES)
    throw new PolicyError("POLICY_INVALID", `${file}: policy file larger than ${MAX_POLICY_BYTES} bytes`);
  const data = readFileSync(file);
  if (data.includes(0)) throw new PolicyError("POLICY_INVALID", `${file}: binary content, not a YAML policy`);
  return data.toString("utf8");
}

function loadKey(at: At, pointer: string, spec: string, baseDir: string): KeyRef {
  let pem: string | undefined;
  let path = spec;
  if (spec.startsWith("env:")) {
    pem = process.env[spec.slice(4)];
    if (!pem) fail(at, pointer, `public key variable ${spec.slice(4)} is not set`);
  } else {
    path = resolve(baseDir, spec);
    try {
      if (statSync(path).size > MAX_KEY_BYTES) fail(at, pointer, `public key ${spec} is too large`);
      pem = readFileSync(path, "utf8");
    } catch (e) {
      if (e instanceof PolicyError) throw e;
      fail(at, pointer, `cannot read public key ${spec}`);
    }
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    fail(at, pointer, `${spec} is not a PEM public key`);
  }
  const type = key.asymmetricKeyType;
  if (type === "ec" && key.asymmetricKeyDetails?.namedCurve !== "prime256v1")
    fail(at, pointer, `${spec}: only P-256 ECDSA keys are supported (cosign's default)`);
  if (type !== "ec" && type !== "ed25519" && type !== "rsa")
    fail(at, pointer, `${spec}: unsupported key type ${String(type)} (ECDSA P-256, Ed25519 or RSA)`);
  return { path, key };
}

function glob(at: At, pointer: string, pattern: string): RegExp {
  try {
    return compileGlob(pattern);
  } catch (e) {
    if (e instanceof GlobError) fail(at, pointer, `invalid glob ${JSON.stringify(pattern)}: ${e.message}`);
    throw e;
  }
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- validated by the schema

function signatures(at: At, list: Raw[], baseDir: string): SignatureRequirement[] {
  return list.map((s, i): SignatureRequirement => {
    const p = `/spec/signatures/${i}`;
    if (s.keys)
      return {
        kind: "keys",
        keys: (s.keys as Raw[]).map((k, j) => loadKey(at, `${p}/keys/${j}/publicKey`, k.publicKey, baseDir)),
      };
    const k = s.keyless as Raw;
    let subjectRegExp: RegExp | undefined;
    if (k.subjectRegExp) {
      try {
        subjectRegExp = new RegExp(k.subjectRegExp as string);
      } catch {
        fail(
          at,
          `${p}/keyless/subjectRegExp`,
          `invalid regular expression ${JSON.stringify(k.subjectRegExp)}`,
        );
      }
    }
    return { kind: "keyless", issuer: k.issuer, subject: k.subject, subjectRegExp };
  });
}

function exceptions(at: At, list: Raw[]): PolicyException[] {
  return list.map((x, i) => {
    const p = `/spec/exceptions/${i}`;
    const expires = new Date(`${x.expires as string}T23:59:59.999Z`);
    if (Number.isNaN(expires.getTime()) || !expires.toISOString().startsWith(x.expires as string))
      fail(at, `${p}/expires`, `expires ${JSON.stringify(x.expires)} is not a calendar date`);
    return {
      image: x.image ? glob(at, `${p}/image`, x.image as string) : undefined,
      imagePattern: x.image,
      namespace: x.namespace,
      expires,
      expiresText: x.expires,
      reason: x.reason,
      rules: x.rules,
    };
  });
}

function toPolicy(at: At, raw: Raw, baseDir: string): ImagePolicy {
  const spec = raw.spec as Raw;
  const v = spec.vulnerabilities as Raw | undefined;
  return {
    name: raw.metadata.name,
    source: `${at.file}:${lineOf(at.doc, at.lines, "")}`,
    mode: (spec.mode as Mode | undefined) ?? "enforce",
    registries: (spec.registries as string[] | undefined)?.map((pattern, i) => ({
      pattern,
      glob: glob(at, `/spec/registries/${i}`, pattern),
    })),
    requireDigest: Boolean(spec.requireDigest),
    vulnerabilities: v && {
      maxSeverity: v.maxSeverity as Severity | undefined,
      kev: v.kev ?? "allow",
      ignoreUnfixed: Boolean(v.ignoreUnfixed),
      epssThreshold: v.epssThreshold,
      fixableOlderThanDays: v.fixableOlderThanDays,
      ignore: v.ignore ?? [],
    },
    secrets: spec.secrets ?? "allow",
    misconfigurations: spec.misconfigurations?.deny ?? [],
    maxAgeDays: spec.maxAgeDays,
    podChecks: spec.podChecks && {
      minSeverity: spec.podChecks.minSeverity,
      deny: spec.podChecks.deny ?? [],
      ignore: spec.podChecks.ignore ?? [],
    },
    baseImages: (spec.baseImages as Raw[] | undefined)?.map((b, i) => ({
      reference: b.reference,
      glob: b.reference ? glob(at, `/spec/baseImages/${i}/reference`, b.reference as string) : undefined,
      diffIds: b.diffIds,
    })),
    signatures: signatures(at, spec.signatures ?? [], baseDir),
    requireSbomAttestation: Boolean(spec.requireSbomAttestation),
    exceptions: exceptions(at, spec.exceptions ?? []),
  };
}

/** Parse and validate the policies in one YAML text (one or more `---` documents). */
/** The document's value; an alias the parser accepted but cannot resolve is the file's error, not a crash. */
function toJs(doc: Document, file: string, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const line = doc.range ? lines.linePos(doc.range[0]).line : 1;
    throw new PolicyError("POLICY_INVALID", `${file}:${line}: YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

export function parsePolicies(text: string, file: string, baseDir = dirname(file)): ImagePolicy[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new PolicyError("POLICY_INVALID", `${file}: not a YAML document stream`);
  const out: ImagePolicy[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const line = lines.linePos(err.pos[0]).line;
      throw new PolicyError("POLICY_INVALID", `${file}:${line}: YAML: ${err.message.split("\n")[0]}`);
    }
    if (doc.contents === null) continue;
    const at: At = { file, doc, lines };
    const raw = toJs(doc, file, lines);
    if (!validate(raw)) {
      const e = pickError(validate.errors ?? []);
      const { message, key } = describe(e);
      fail(at, e.instancePath, message, key);
    }
    out.push(toPolicy(at, raw as Raw, baseDir));
  }
  return out;
}

/**
 * Load every policy file; names must be unique across them (they appear in every reason).
 * `trustedRoot` is the Sigstore trusted root keyless entries verify against.
 */
export function loadPolicySet(files: readonly string[], opts: { trustedRoot?: string } = {}): PolicySet {
  if (!files.length) throw new PolicyError("POLICY_INVALID", "no policy file given (--policy FILE)");
  const hash = createHash("sha256");
  const policies: ImagePolicy[] = [];
  for (const file of files) {
    const text = readPolicyFile(file);
    hash.update(`${file}\0${text}\0`);
    for (const p of parsePolicies(text, file)) {
      const twin = policies.find((q) => q.name === p.name);
      if (twin)
        throw new PolicyError(
          "POLICY_INVALID",
          `${p.source}: policy name "${p.name}" already used at ${twin.source}`,
        );
      policies.push(p);
    }
  }
  if (!policies.length)
    throw new PolicyError("POLICY_INVALID", `${files.join(", ")}: no ImagePolicy document`);
  // Key files are part of the version: rotating a key must invalidate cached decisions.
  for (const p of policies)
    for (const s of p.signatures)
      if (s.kind === "keys")
        for (const k of s.keys) hash.update(k.key.export({ format: "der", type: "spki" }));
  // So is the trusted root: a rotated Fulcio or Rekor key changes what verifies.
  const trust = opts.trustedRoot ? loadTrustedRoot(opts.trustedRoot) : undefined;
  if (trust) hash.update(`trusted-root\0${trust.digest}`);
  return { policies, version: hash.digest("hex").slice(0, 16), ...(trust ? { trust } : {}) };
}
