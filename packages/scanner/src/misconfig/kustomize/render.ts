import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import fastJsonPatch from "fast-json-patch";
import { errorMessage } from "@bulwark/model";
import { readConfigText } from "../files.js";
import { asArr, asObj, asStr, objectsOfDoc, type Obj } from "../kubernetes/objects.js";
import { inlineDirectives, type Directive } from "../suppress.js";
import { parseYamlDocuments, type Path, type YamlDoc } from "../yaml-source.js";
import { strategicMerge } from "./merge.js";
import { fixReferences, transform, type Transforms } from "./transform.js";

/**
 * In-process rendering of a kustomization: the common subset (resources, patches,
 * namespace, name prefix/suffix, labels, annotations, images). Each rendered object keeps
 * the file and position it came from, so findings point at the source. What is not
 * supported is reported as a warning and skipped (see docs/misconfig.md).
 */
export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export const UNSUPPORTED_FIELDS = [
  "configMapGenerator",
  "secretGenerator",
  "generatorOptions",
  "components",
  "helmCharts",
  "helmChartInflationGenerator",
  "replacements",
  "vars",
  "generators",
  "transformers",
  "validators",
  "crds",
  "openapi",
  "replicas",
  "buildMetadata",
  "configurations",
  "sortOptions",
] as const;

export interface RenderedObject {
  value: Obj;
  /** Display path of the source file (relative to the scan root). */
  file: string;
  doc: YamlDoc;
  /** Where the object sits in its source document. */
  path: Path;
  inline: Directive[];
}

export interface Rendered {
  objects: RenderedObject[];
  /** Absolute paths of every file the rendering read (not scanned again on their own). */
  consumed: Set<string>;
  problems: Array<{ path: string; message: string }>;
  warnings: string[];
}

export function kustomizationIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((p) => existsSync(p));
}

const display = (root: string, p: string): string => relative(root, p).split(sep).join("/") || p;

/** Renders the kustomization in `dir`; `root` is the scan root (for display paths). */
export function renderKustomization(
  dir: string,
  root: string,
  depth = 0,
  seen = new Set<string>(),
): Rendered {
  const out: Rendered = { objects: [], consumed: new Set(), problems: [], warnings: [] };
  const kfile = kustomizationIn(dir);
  if (!kfile || depth > 20 || seen.has(resolve(dir))) {
    out.problems.push({
      path: display(root, dir),
      message: kfile ? "kustomization cycle or too deep" : "no kustomization file",
    });
    return out;
  }
  seen = new Set([...seen, resolve(dir)]);
  out.consumed.add(resolve(kfile));
  const k = loadKustomization(kfile, root, out);
  if (!k) return out;
  for (const f of UNSUPPORTED_FIELDS)
    if (k[f] !== undefined)
      out.warnings.push(
        `${display(root, kfile)}: ${f} is not supported by the built-in kustomize renderer (skipped)`,
      );

  for (const entry of [...asArr(k.resources), ...asArr(k.bases)].map(String)) {
    if (/^[a-z]+:\/\/|^github\.com\/|^git@|\?ref=/.test(entry)) {
      out.warnings.push(`${display(root, kfile)}: remote resource ${entry} skipped (not fetched)`);
      continue;
    }
    const p = resolve(dir, entry);
    if (!existsSync(p)) {
      out.problems.push({ path: display(root, kfile), message: `resource ${entry} does not exist` });
      continue;
    }
    if (statSync(p).isDirectory()) {
      const sub = renderKustomization(p, root, depth + 1, seen);
      out.objects.push(...sub.objects);
      sub.consumed.forEach((c) => out.consumed.add(c));
      out.problems.push(...sub.problems);
      out.warnings.push(...sub.warnings);
    } else out.objects.push(...readObjects(p, root, out));
  }
  applyPatches(k, dir, root, out);
  const t = transforms(k);
  const renamed = new Map<string, string>();
  for (const o of out.objects) o.value = transform(o.value, t, renamed);
  for (const o of out.objects) fixReferences(o.value, renamed);
  return out;
}

function loadKustomization(kfile: string, root: string, out: Rendered): Obj | undefined {
  try {
    const [doc] = parseYamlDocuments(readConfigText({ path: kfile, display: kfile, type: "yaml", size: 0 }));
    return asObj(doc?.value) ?? {};
  } catch (e) {
    out.problems.push({ path: display(root, kfile), message: errorMessage(e) });
    return undefined;
  }
}

function readObjects(path: string, root: string, out: Rendered): RenderedObject[] {
  out.consumed.add(path);
  const file = display(root, path);
  try {
    const text = readConfigText({ path, display: file, type: "yaml", size: 0 });
    const inline = inlineDirectives(text);
    return parseYamlDocuments(text).flatMap((doc) =>
      objectsOfDoc(file, doc).map((o) => ({ value: o.value, file, doc, path: o.path, inline })),
    );
  } catch (e) {
    out.problems.push({ path: file, message: errorMessage(e) });
    return [];
  }
}

interface Target {
  kind?: string;
  name?: string;
  namespace?: string;
}

function matches(o: Obj, t: Target): boolean {
  const meta = asObj(o.metadata) ?? {};
  const re = (pattern: string, v: string | undefined) => new RegExp(`^(?:${pattern})$`).test(v ?? "");
  return (
    (!t.kind || re(t.kind, asStr(o.kind))) &&
    (!t.name || re(t.name, asStr(meta.name))) &&
    (!t.namespace || re(t.namespace, asStr(meta.namespace)))
  );
}

function applyPatches(k: Obj, dir: string, root: string, out: Rendered): void {
  const patchText = (entry: Obj | string): unknown[] => {
    const inline = typeof entry === "string" ? undefined : asStr(entry.patch);
    const file = typeof entry === "string" ? entry : asStr(entry.path);
    if (inline !== undefined) return parseYamlDocuments(inline).map((d) => d.value);
    if (!file) return [];
    const p = resolve(dir, file);
    out.consumed.add(p);
    return parseYamlDocuments(readConfigText({ path: p, display: file, type: "yaml", size: 0 })).map(
      (d) => d.value,
    );
  };
  const entries: Array<{ entry: Obj | string; target?: Target }> = [
    ...asArr(k.patchesStrategicMerge).map((e) => ({
      entry: typeof e === "string" ? e : ({ patch: e } as Obj),
    })),
    ...asArr(k.patches).map((e) => ({
      entry: asObj(e) ?? String(e),
      target: asObj(asObj(e)?.target) as Target | undefined,
    })),
    ...asArr(k.patchesJson6902).map((e) => ({
      entry: asObj(e) ?? {},
      target: asObj(asObj(e)?.target) as Target | undefined,
    })),
  ];
  for (const { entry, target } of entries) {
    let docs: unknown[];
    try {
      docs = patchText(entry);
    } catch (e) {
      out.problems.push({
        path: display(root, join(dir, "kustomization.yaml")),
        message: `patch: ${errorMessage(e)}`,
      });
      continue;
    }
    for (const patch of docs) applyOne(patch, target, out);
  }
}

function applyOne(patch: unknown, target: Target | undefined, out: Rendered): void {
  if (Array.isArray(patch)) {
    // JSON 6902 operations: need a target.
    for (const o of out.objects)
      if (target && matches(o.value, target)) {
        try {
          o.value = fastJsonPatch.applyPatch(
            structuredClone(o.value),
            patch as fastJsonPatch.Operation[],
            false,
            false,
          ).newDocument;
        } catch (e) {
          out.problems.push({ path: o.file, message: `JSON patch: ${errorMessage(e)}` });
        }
      }
    return;
  }
  const p = asObj(patch);
  if (!p) return;
  const meta = asObj(p.metadata) ?? {};
  const t: Target = target ?? { kind: asStr(p.kind), name: asStr(meta.name) };
  for (const o of out.objects)
    if (matches(o.value, { ...t, name: t.name ?? (target ? undefined : asStr(meta.name)) })) {
      const merged = structuredClone(p);
      // A patch applied by selector must not rename what it patches.
      if (target) delete (asObj(merged.metadata) ?? {}).name;
      o.value = (strategicMerge(o.value, merged) as Obj | undefined) ?? o.value;
    }
}

function transforms(k: Obj): Transforms {
  const strMap = (v: unknown): Record<string, string> | undefined => {
    const o = asObj(v);
    return o ? Object.fromEntries(Object.entries(o).map(([a, b]) => [a, String(b)])) : undefined;
  };
  return {
    namespace: asStr(k.namespace),
    namePrefix: asStr(k.namePrefix),
    nameSuffix: asStr(k.nameSuffix),
    commonLabels: strMap(k.commonLabels),
    commonAnnotations: strMap(k.commonAnnotations),
    labels: asArr(k.labels).flatMap((l) => {
      const o = asObj(l);
      const pairs = strMap(o?.pairs);
      return pairs ? [{ pairs, includeSelectors: o?.includeSelectors === true }] : [];
    }),
    images: asArr(k.images).flatMap((i) => {
      const o = asObj(i);
      const name = asStr(o?.name);
      if (!o || !name) return [];
      return [
        {
          name,
          newName: asStr(o.newName),
          newTag: o.newTag === undefined ? undefined : String(o.newTag),
          digest: asStr(o.digest),
        },
      ];
    }),
  };
}

/** The YAML document a rendered object is checked as: its value, its source's lines. */
export function renderedDoc(o: RenderedObject): YamlDoc {
  return {
    index: o.doc.index,
    value: o.value,
    startLine: o.doc.startLine,
    headerStartLine: o.doc.headerStartLine,
    endLine: o.doc.endLine,
    lineAt: (p) => o.doc.lineAt([...o.path, ...p]),
  };
}

/** Top-level kustomization directories under `root`: those no other kustomization uses as a resource. */
export function topKustomizations(kustomizationFiles: string[]): string[] {
  const dirs = kustomizationFiles.map((f) => dirname(resolve(f)));
  const used = new Set<string>();
  for (const d of dirs) {
    const r = renderKustomizationRefs(d);
    r.forEach((x) => used.add(x));
  }
  return dirs.filter((d) => !used.has(d));
}

function renderKustomizationRefs(dir: string): string[] {
  const kfile = kustomizationIn(dir);
  if (!kfile) return [];
  try {
    const [doc] = parseYamlDocuments(readConfigText({ path: kfile, display: kfile, type: "yaml", size: 0 }));
    const k = asObj(doc?.value) ?? {};
    return [...asArr(k.resources), ...asArr(k.bases), ...asArr(k.components)]
      .map(String)
      .map((e) => resolve(dir, e))
      .filter((p) => existsSync(p) && statSync(p).isDirectory());
  } catch {
    return [];
  }
}
