/**
 * Java archives (jar/war/ear and plugin variants), nested archives included
 * (WEB-INF/lib, BOOT-INF/lib, lib/ of an ear), to a limited depth. Identity comes from
 * META-INF/maven/<group>/<artifact>/pom.properties; without one, from MANIFEST.MF and
 * the file name "<artifact>-<version>.jar".
 */
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { baseName, isRegularFile, MiB, newPackage } from "../common/util.js";
import { readZipEntries, type ZipLimits } from "./zip.js";
import { groupFromRepoPath } from "./repo-layout.js";

const ARCHIVE = /\.(jar|war|ear|jpi|hpi|par|sar|rar|kar)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = "META-INF/MANIFEST.MF";
const MAX_DEPTH = 3;
const MAX_ARCHIVE_SIZE = 256 * MiB;

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m?.[1]) out.set(m[1], m[2] ?? "");
  }
  return out;
}

/** Main section of a manifest: "Key: value" with 1-space continuation lines. */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if (line.startsWith(" ") && last) {
      out.set(last, (out.get(last) ?? "") + line.slice(1));
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

/** "commons-lang3-3.12.0.jar" → { name: "commons-lang3", version: "3.12.0" }. */
export function nameFromFileName(file: string): { name: string; version?: string } {
  const stem = baseName(file).replace(ARCHIVE, "");
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
  return m?.[1] && m[2] ? { name: m[1], version: m[2] } : { name: stem };
}

interface ArchiveFacts {
  poms: Map<string, string>[];
  manifest?: Map<string, string>;
  nested: Array<{ name: string; data: Buffer }>;
}

function fromManifest(manifest: Map<string, string> | undefined, fileName: string) {
  const file = nameFromFileName(fileName);
  const symbolic = manifest?.get("Bundle-SymbolicName")?.split(";")[0]?.trim();
  const version = manifest?.get("Implementation-Version") || manifest?.get("Bundle-Version") || file.version;
  const name = file.version ? file.name : manifest?.get("Implementation-Title") || symbolic || file.name;
  let namespace = manifest?.get("Implementation-Vendor-Id");
  if (!namespace && symbolic?.endsWith(`.${name}`)) namespace = symbolic.slice(0, -name.length - 1);
  const license = manifest?.get("Bundle-License");
  return version ? { name, version, namespace, licenses: license ? [license] : [] } : undefined;
}

function packagesOf(facts: ArchiveFacts, fileName: string, path: string, archivePath: string): Package[] {
  const metadata: Record<string, string> = archivePath ? { archivePath } : {};
  const seen = new Set<string>();
  const out: Package[] = [];
  for (const pom of facts.poms) {
    const group = pom.get("groupId");
    const artifact = pom.get("artifactId");
    const version = pom.get("version");
    if (!group || !artifact || !version || seen.has(`${group}:${artifact}:${version}`)) continue;
    seen.add(`${group}:${artifact}:${version}`);
    out.push(newPackage({ type: "maven", namespace: group, name: artifact, version, path, metadata }));
  }
  if (out.length > 0) return out;
  const m = fromManifest(facts.manifest, fileName);
  if (m && !m.namespace && !archivePath) m.namespace = groupFromRepoPath(path, m.name);
  if (m)
    out.push(
      newPackage({
        type: "maven",
        ...m,
        path,
        metadata: { ...metadata, identifiedBy: facts.manifest ? "manifest" : "filename" },
      }),
    );
  return out;
}

async function collect(buf: Buffer, limits: ZipLimits, depth: number): Promise<ArchiveFacts> {
  const facts: ArchiveFacts = { poms: [], nested: [] };
  await readZipEntries(
    buf,
    (name) => POM_PROPERTIES.test(name) || name === MANIFEST || (depth < MAX_DEPTH && ARCHIVE.test(name)),
    (name, data) => {
      if (POM_PROPERTIES.test(name)) facts.poms.push(parseProperties(data.toString("utf8")));
      else if (name === MANIFEST) facts.manifest = parseManifest(data.toString("utf8"));
      else facts.nested.push({ name, data });
    },
    limits,
  );
  return facts;
}

/** Packages of one archive and, recursively, of the archives inside it. */
export async function javaPackages(buf: Buffer, path: string): Promise<Package[]> {
  const limits: ZipLimits = { maxEntries: 200_000, maxEntrySize: 64 * MiB, budget: { remaining: 256 * MiB } };
  const out: Package[] = [];
  const visit = async (data: Buffer, fileName: string, archivePath: string, depth: number) => {
    const facts = await collect(data, limits, depth);
    out.push(...packagesOf(facts, fileName, path, archivePath));
    for (const n of facts.nested) {
      const inner = archivePath ? `${archivePath}!/${n.name}` : n.name;
      // A broken nested archive must not cost us the outer archive's packages.
      await visit(n.data, n.name, inner, depth + 1).catch(() => undefined);
    }
  };
  await visit(buf, path, "", 1);
  return out;
}

export const javaAnalyzer: Analyzer = {
  name: "java",
  version: 2,
  wants(path, info) {
    return ARCHIVE.test(path) && isRegularFile(info.mode) && info.size <= MAX_ARCHIVE_SIZE;
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const packages = await javaPackages(await file.read(), file.path);
    return packages.length > 0 ? { packages } : undefined;
  },
};
