import { LineCounter, isMap, isScalar, parseAllDocuments, visit, type Node, type YAMLMap } from "yaml";
import type { SecretEngine } from "./engine.js";
import { redactMatch, sha256Hex } from "./redact.js";
import type { SecretHit } from "./types.js";

/** Rules that read the structure of Kubernetes manifests rather than a regex over text. */
export const kubernetesRules = [
  {
    id: "kubernetes-secret-literal",
    title: "Kubernetes Secret with literal data in a manifest",
    severity: "HIGH",
  },
  {
    id: "kubernetes-configmap-credential",
    title: "Credential stored in a Kubernetes ConfigMap",
    severity: "MEDIUM",
  },
  {
    id: "kubernetes-env-literal",
    title: "Credential set as a literal environment variable",
    severity: "MEDIUM",
  },
] as const;
type KubeRuleId = (typeof kubernetesRules)[number]["id"];

const CREDENTIAL_NAME =
  /(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential)/i;
/** Names that hold a reference to a credential (a file, a path, a URL), not the credential. */
const REFERENCE_NAME = /(?:_file|_path|_dir|_name|_ref|_url|_endpoint|_user(?:name)?|_id|_length|_ttl)$/i;
/** Values that are templates or references, not literals. */
const PLACEHOLDER_VALUE = /^\s*$|\$\(|\$\{|\{\{|^<.*>$|^(?:true|false|yes|no|null|changeme|xxx+|\*+)$/i;
const MAX_MANIFEST_CHARS = 8 * 1024 * 1024;

/** Only YAML and JSON files can be manifests: other files need no decoded text for this check. */
export function manifestPath(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

export function mightBeManifest(path: string, text: string): boolean {
  // Every manifest names its apiVersion: package.json files with a "kind" key are not parsed.
  return (
    manifestPath(path) &&
    text.length <= MAX_MANIFEST_CHARS &&
    /\bkind"?\s{0,3}:/.test(text) &&
    /\bapiVersion"?\s{0,3}:/.test(text)
  );
}

/**
 * Secrets visible only through a manifest's structure: Secret objects with literal
 * data (base64 is an encoding, so data values are decoded and scanned too), credential
 * keys in ConfigMaps, and `env` entries whose value is a literal credential.
 */
export function kubernetesHits(
  engine: SecretEngine,
  path: string,
  text: string,
  enabled: (id: string) => boolean,
): SecretHit[] {
  const lineCounter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const hits: SecretHit[] = [];
  const lineOf = (node: Node | null | undefined): number => lineCounter.linePos(node?.range?.[0] ?? 0).line;
  const add = (rule: KubeRuleId, key: string, value: string, node: Node): void => {
    if (!enabled(rule)) return;
    const info = kubernetesRules.find((r) => r.id === rule)!;
    hits.push({
      ruleId: rule,
      title: info.title,
      severity: info.severity,
      detection: info.id === "kubernetes-secret-literal" ? "structural" : "keyword-context",
      line: lineOf(node),
      match: redactMatch(`${key}: `, value),
      secretHash: sha256Hex(value),
    });
  };
  for (const doc of docs) {
    if (doc.errors.length || !isMap(doc.contents)) continue;
    const top = doc.contents;
    const kind = scalarString(top.get("kind", true));
    if (kind === "Secret") secretObject(engine, path, top, add, lineOf, hits);
    if (kind === "ConfigMap") {
      forEachStringPair(top.get("data"), (key, value, node) => {
        if (CREDENTIAL_NAME.test(key) && !REFERENCE_NAME.test(key) && literalCredential(value))
          add("kubernetes-configmap-credential", key, value, node);
      });
    }
    visit(doc, {
      Map(_, map) {
        const name = scalarString(map.get("name", true));
        const valueNode = map.get("value", true);
        const value = scalarString(valueNode);
        if (
          name &&
          value !== undefined &&
          CREDENTIAL_NAME.test(name) &&
          !REFERENCE_NAME.test(name) &&
          literalCredential(value)
        )
          add("kubernetes-env-literal", name, value, valueNode as Node);
      },
    });
  }
  return hits;
}

function secretObject(
  engine: SecretEngine,
  path: string,
  top: YAMLMap,
  add: (rule: KubeRuleId, key: string, value: string, node: Node) => void,
  lineOf: (node: Node) => number,
  hits: SecretHit[],
): void {
  forEachStringPair(top.get("data"), (key, value, node) => {
    const decoded = decodeBase64(value);
    if (decoded === undefined || decoded.trim() === "") return;
    add("kubernetes-secret-literal", key, decoded, node);
    for (const hit of engine.scanText(path, decoded)) hits.push({ ...hit, line: lineOf(node) });
  });
  forEachStringPair(top.get("stringData"), (key, value, node) => {
    if (!PLACEHOLDER_VALUE.test(value)) add("kubernetes-secret-literal", key, value, node);
  });
}

function forEachStringPair(map: unknown, fn: (key: string, value: string, node: Node) => void): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const key = scalarString(pair.key);
    const value = scalarString(pair.value);
    if (key !== undefined && value !== undefined) fn(key, value, pair.value as Node);
  }
}

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return typeof node.value === "string" ? node.value : undefined;
}

function literalCredential(value: string): boolean {
  return value.length >= 4 && !PLACEHOLDER_VALUE.test(value);
}

/** Kubernetes `data` values are standard base64; anything else is not decoded. */
function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/\s/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, "base64").toString("latin1");
}
