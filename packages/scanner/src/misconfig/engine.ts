import { statSync } from "node:fs";
import { BulwarkError, errorMessage, type ScanOptions, type ScanResult } from "@bulwark/model";
import { Collector } from "./collector.js";
import { composeServices } from "./compose/rules.js";
import { ruleSets } from "./registry.js";
import { parseDockerfile } from "./dockerfile/parser.js";
import { listConfigFiles, MAX_CONFIG_FILE, readConfigText, type ConfigFile } from "./files.js";
import { KubernetesFamily } from "./kubernetes/family.js";
import { isConsumed, scanKustomizations } from "./kustomize/index.js";
import { runRules } from "./rules.js";
import { inlineDirectives } from "./suppress.js";
import { parseYamlDocuments, YamlError, type YamlDoc } from "./yaml-source.js";
import { shiftDirectives, shiftDoc, yamlPieces, type YamlPiece } from "./yaml-stream.js";

/** Check ids the user turned off (--disable-rules accepts misconfig ids too). */
export function disabledChecks(options: Pick<ScanOptions, "disableRules">): Set<string> {
  return new Set((options.disableRules ?? []).filter((id) => id.startsWith("BW-")));
}

/**
 * `scan config PATH`: Dockerfiles, Kubernetes manifests (incl. rendered Helm/Kustomize
 * output), Compose files. One file's failure becomes an issue; the rest is still scanned.
 */
export async function scanConfigPath(root: string, options: ScanOptions): Promise<ScanResult> {
  const c = new Collector();
  const disabled = disabledChecks(options);
  const k8s = new KubernetesFamily(c.evaluated, { allowedRegistries: options.allowedRegistries, disabled });
  const { files, helmCharts, unreadable } = await listConfigFiles(root, options.includeNoise);
  for (const u of unreadable) c.issues.push({ path: u.path, code: "IO", message: u.message });
  for (const chart of helmCharts)
    c.warnings.push(
      `${chart}: Helm chart templates/ skipped (templates are not YAML until rendered: scan the output of helm template)`,
    );
  // Kustomizations are checked as rendered; the files they read are not checked again raw.
  const rendered = scanKustomizations(root, files, c, k8s);
  let scanned = rendered.size;
  for (const file of files) {
    if (isConsumed(rendered, file)) continue;
    try {
      if (await scanFile(file, c, k8s, disabled)) scanned++;
    } catch (e) {
      c.issues.push({
        path: file.display,
        code: e instanceof BulwarkError ? e.code : e instanceof YamlError ? "PARSE" : "IO",
        message: errorMessage(e),
      });
    }
  }
  for (const raw of k8s.finish()) c.add(raw);
  c.summary.misconfigFiles = scanned;
  return c.result(options);
}

async function scanFile(
  file: ConfigFile,
  c: Collector,
  k8s: KubernetesFamily,
  disabled: Set<string>,
): Promise<boolean> {
  // Manifest bundles past the whole-file cap are parsed a few documents at a time.
  if (file.type === "yaml" && fileSize(file) > MAX_CONFIG_FILE) {
    let relevant = false;
    for (const piece of yamlPieces(file.path)) relevant = scanYaml(file, piece, c, k8s, disabled) || relevant;
    return relevant;
  }
  const text = readConfigText(file);
  if (file.type === "dockerfile") {
    scanDockerfile(file.display, text, c, disabled);
    return true;
  }
  // Cheap pre-filter: JSON files that cannot be manifests (package.json, tsconfig) are skipped unparsed.
  if (file.type === "json" && !(text.includes('"apiVersion"') && text.includes('"kind"'))) return false;
  return scanYaml(file, { text, lineOffset: 0 }, c, k8s, disabled);
}

function scanYaml(
  file: ConfigFile,
  { text, lineOffset }: YamlPiece,
  c: Collector,
  k8s: KubernetesFamily,
  disabled: Set<string>,
): boolean {
  let docs: YamlDoc[];
  try {
    docs = parseYamlDocuments(text).map((d) => shiftDoc(d, lineOffset));
  } catch (e) {
    if (e instanceof YamlError && text.includes("{{"))
      throw new YamlError(
        `${e.message} (looks like an unrendered template: render it with helm template or kustomize build first)`,
      );
    throw e;
  }
  const inline = shiftDirectives(inlineDirectives(text), lineOffset);
  let relevant = false;
  for (const doc of docs) {
    if (KubernetesFamily.isKubernetes(doc)) {
      relevant = true;
      for (const raw of k8s.checkDocument(file.display, doc, inline)) c.add(raw);
      continue;
    }
    const services = composeServices(doc);
    if (!services) continue;
    relevant = true;
    for (const s of services) {
      const resource = { kind: "ComposeService", name: s.name };
      for (const h of runRules(ruleSets.compose, s, c.evaluated, disabled)) {
        const line = doc.lineAt(h.at);
        c.add({
          meta: h.rule,
          file: file.display,
          line,
          resource,
          message: h.message,
          scope: { line, headerStart: doc.headerStartLine, start: doc.startLine, end: doc.endLine },
          inline,
        });
      }
    }
  }
  return relevant;
}

/** The size on disk, or 0 when it cannot be read (the read that follows reports why). */
function fileSize(file: ConfigFile): number {
  try {
    return statSync(file.path).size;
  } catch {
    return 0;
  }
}

export function scanDockerfile(display: string, text: string, c: Collector, disabled?: Set<string>): void {
  const d = parseDockerfile(text);
  const inline = inlineDirectives(text);
  for (const h of runRules(ruleSets.dockerfile, d, c.evaluated, disabled)) {
    c.add({
      meta: h.rule,
      file: display,
      line: h.at,
      message: h.message,
      scope: { line: h.at, headerStart: 1, start: d.firstLine, end: d.lineCount },
      inline,
    });
  }
}
