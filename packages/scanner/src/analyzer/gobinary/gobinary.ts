/**
 * Go binaries: the Go toolchain version becomes the `stdlib` package, the main module
 * and every dependency (replacements applied) become golang packages.
 */
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { Elf } from "../common/elf.js";
import { isExecutable, MiB, newPackage } from "../common/util.js";
import { readGoBuildInfo, readInlineBuildInfo } from "./buildinfo.js";
import { readBuildInfoWindow } from "./locate.js";

export const GO_BINARY_MAX_SIZE = 256 * MiB;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface ModInfo {
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Map<string, string>;
}

function moduleFromFields(fields: string[]): GoModule {
  const mod: GoModule = { path: fields[0] ?? "", version: fields[1] ?? "" };
  if (fields[2]) mod.sum = fields[2];
  return mod;
}

/** The modinfo text: "path", "mod", "dep" and "=>" (replaces the line before) and "build" lines. */
export function parseModInfo(text: string): ModInfo {
  const info: ModInfo = { deps: [], settings: new Map() };
  let last: GoModule | undefined;
  for (const line of text.split("\n")) {
    const [kind, ...fields] = line.split("\t");
    if (kind === "path") info.path = fields[0];
    else if (kind === "mod") last = info.main = moduleFromFields(fields);
    else if (kind === "dep") info.deps.push((last = moduleFromFields(fields)));
    else if (kind === "=>" && last) last.replace = moduleFromFields(fields);
    else if (kind === "build" && fields[0]) {
      const eq = fields[0].indexOf("=");
      if (eq > 0) info.settings.set(fields[0].slice(0, eq), fields[0].slice(eq + 1));
    }
  }
  return info;
}

/** "go1.17.2" → "1.17.2"; "go1.20 X:boringcrypto" → "1.20". */
export function stdlibVersion(goVersion: string): string {
  return (goVersion.split(/\s/)[0] ?? "").replace(/^go/, "");
}

/** Go's rule: a replacement path starting with ./, ../ or / is a directory, not a module. */
function isLocalPath(path: string): boolean {
  return (
    path.startsWith("./") || path.startsWith("../") || path.startsWith("/") || path === "." || path === ".."
  );
}

/** A module replacement takes the dependency's place; a local directory leaves it unversioned. */
function effective(dep: GoModule): { path: string; version: string; replacedBy?: string } {
  const r = dep.replace;
  if (!r) return { path: dep.path, version: dep.version };
  if (!isLocalPath(r.path)) return { path: r.path, version: r.version };
  return { path: dep.path, version: "", replacedBy: r.path };
}

export function goPackages(goVersion: string, modText: string, path: string): Package[] {
  const mod = parseModInfo(modText);
  const goVer = stdlibVersion(goVersion);
  const common = { goVersion: goVer };
  const out: Package[] = [
    newPackage({
      type: "golang",
      name: "stdlib",
      version: goVer,
      path,
      metadata: { ...common, stdlib: true },
    }),
  ];
  if (mod.main?.path) {
    const { path: modPath, version, replacedBy } = effective(mod.main);
    const metadata: Record<string, string | boolean> = { ...common, mainModule: true };
    // "(devel)" is what `go build` records for a working-tree build: no release version.
    if (version === "(devel)" || version === "") metadata.moduleVersion = version || "(devel)";
    if (replacedBy) metadata.replacedBy = replacedBy;
    if (mod.path) metadata.mainPackage = mod.path;
    const revision = mod.settings.get("vcs.revision");
    if (revision) metadata.vcsRevision = revision;
    out.push(
      newPackage({
        type: "golang",
        name: modPath,
        version: version === "(devel)" ? "" : version,
        path,
        metadata,
      }),
    );
  }
  for (const dep of mod.deps) {
    const { path: depPath, version, replacedBy } = effective(dep);
    const metadata: Record<string, string> = { ...common };
    if (replacedBy) metadata.replacedBy = replacedBy;
    if (dep.replace && !replacedBy) metadata.replaces = `${dep.path}@${dep.version}`;
    out.push(newPackage({ type: "golang", name: depPath, version, path, metadata }));
  }
  return out;
}

export const goBinaryAnalyzer: Analyzer = {
  name: "gobinary",
  version: 2,
  maxBytes: GO_BINARY_MAX_SIZE,
  wants(_path, info) {
    return isExecutable(info.mode) && info.size >= 64;
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const window = await readBuildInfoWindow(file);
    if (!window) return undefined;
    // The whole file only for Go 1.13-1.17's layout, whose strings sit elsewhere in the file.
    const info = readInlineBuildInfo(window) ?? readGoBuildInfo(new Elf(await file.read()));
    if (!info) return undefined;
    return { packages: goPackages(info.goVersion, info.modInfo, file.path) };
  },
};
