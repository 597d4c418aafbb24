/**
 * pom.xml: the versions the project declares — `<dependencies>` with `${property}`
 * substitution from `<properties>`, `project.*` and `parent.*`, and versions taken from
 * the same file's `<dependencyManagement>`. Not resolved (recorded as notes): versions
 * inherited from a parent POM or imported BOM that is not in this file, version ranges,
 * properties defined elsewhere, and transitive dependencies (Maven's resolver would
 * need the repository). `<scope>test</scope>` marks a dev dependency.
 */
import { XMLParser } from "fast-xml-parser";
import { isRecord, LineFinder, lockPackage, parseError, type LockResult } from "../common.js";

type Node = Record<string, unknown>;

function asList(v: unknown): Node[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(isRecord);
}

function text(v: unknown): string | undefined {
  if (typeof v === "string" || typeof v === "number") return String(v).trim();
  return undefined;
}

function properties(project: Node): Map<string, string> {
  const props = new Map<string, string>();
  const parent = isRecord(project.parent) ? project.parent : {};
  for (const [k, v] of [
    ["project.version", project.version ?? parent.version],
    ["project.groupId", project.groupId ?? parent.groupId],
    ["project.artifactId", project.artifactId],
    ["version", project.version ?? parent.version],
    ["project.parent.version", parent.version],
    ["parent.version", parent.version],
  ] as const) {
    const t = text(v);
    if (t) props.set(k, t);
  }
  if (isRecord(project.properties))
    for (const [k, v] of Object.entries(project.properties)) {
      const t = text(v);
      if (t !== undefined) props.set(k, t);
    }
  return props;
}

/** Substitutes ${…} until stable (properties may reference properties), at most 10 rounds. */
function substitute(value: string, props: Map<string, string>): string {
  let v = value;
  for (let i = 0; i < 10 && v.includes("${"); i++)
    v = v.replace(/\$\{([^}]+)\}/g, (all, k: string) => props.get(k) ?? all);
  return v;
}

export function parsePom(xml: string, path: string): LockResult {
  let doc: unknown;
  try {
    doc = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: false }).parse(
      xml,
      true,
    );
  } catch (e) {
    throw parseError(`${path}: invalid XML (${e instanceof Error ? e.message : String(e)})`);
  }
  const project = isRecord(doc) && isRecord(doc.project) ? doc.project : undefined;
  if (!project) throw parseError(`${path}: no <project> element`);
  const props = properties(project);
  const managed = new Map<string, string>();
  const dm = isRecord(project.dependencyManagement) ? project.dependencyManagement : {};
  for (const d of asList(isRecord(dm.dependencies) ? dm.dependencies.dependency : undefined)) {
    const v = text(d.version);
    if (v) managed.set(`${text(d.groupId)}:${text(d.artifactId)}`, substitute(v, props));
  }
  const out: LockResult = { packages: [], notes: [] };
  const lines = new LineFinder(xml);
  const deps = asList(isRecord(project.dependencies) ? project.dependencies.dependency : undefined);
  const start = xml.search(/<dependencies>/);
  if (start >= 0 && xml.lastIndexOf("<dependencyManagement>", start) < 0) lines.find("<dependencies>");
  for (const d of deps) {
    const group = substitute(text(d.groupId) ?? "", props);
    const artifact = substitute(text(d.artifactId) ?? "", props);
    const line = lines.find(`<artifactId>${text(d.artifactId) ?? ""}</artifactId>`);
    const raw = text(d.version) ?? managed.get(`${text(d.groupId)}:${text(d.artifactId)}`);
    const version = raw === undefined ? undefined : substitute(raw, props);
    const id = `${group}:${artifact}`;
    if (!version) {
      out.notes.push({
        code: "unresolved",
        message: `${path}:${line}: ${id} has no version here (parent POM or BOM)`,
      });
    } else if (version.includes("${")) {
      out.notes.push({
        code: "unresolved",
        message: `${path}:${line}: ${id} version ${version} uses an undefined property`,
      });
    } else if (/^[[(]/.test(version)) {
      out.notes.push({
        code: "unresolved",
        message: `${path}:${line}: ${id} version range ${version} is not resolved`,
      });
    } else if (group && artifact) {
      const dev = text(d.scope) === "test";
      out.packages.push(
        lockPackage(path, { type: "maven", namespace: group, name: artifact, version, line, dev }),
      );
    }
  }
  return out;
}
