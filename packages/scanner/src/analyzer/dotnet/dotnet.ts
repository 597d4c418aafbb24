/**
 * .NET: *.deps.json next to an application. Its `libraries` map "Name/Version" to a
 * record whose type is "package" for NuGet packages ("project" and "reference" are the
 * application's own assemblies and are not packages).
 */
import type { Package, Analyzer, AnalyzerFile, AnalyzerOutput } from "@bulwark/model";
import { isObject, isRegularFile, MiB, newPackage, parseError, parseJson } from "../common/util.js";

export function dotnetPackages(json: unknown, path: string): Package[] {
  if (!isObject(json)) throw parseError(`${path}: not a JSON object`);
  const libraries = json.libraries;
  if (libraries === undefined) return [];
  if (!isObject(libraries)) throw parseError(`${path}: "libraries" is not an object`);
  const out: Package[] = [];
  for (const [key, lib] of Object.entries(libraries)) {
    if (!isObject(lib) || lib.type !== "package") continue;
    const slash = key.lastIndexOf("/");
    if (slash <= 0 || slash === key.length - 1)
      throw parseError(`${path}: library key "${key}" is not Name/Version`);
    out.push(newPackage({ type: "nuget", name: key.slice(0, slash), version: key.slice(slash + 1), path }));
  }
  return out;
}

export const dotnetAnalyzer: Analyzer = {
  name: "dotnet",
  version: 2,
  maxBytes: 64 * MiB,
  wants(path, info) {
    return path.endsWith(".deps.json") && isRegularFile(info.mode);
  },
  async analyze(file: AnalyzerFile): Promise<AnalyzerOutput | undefined> {
    const packages = dotnetPackages(parseJson(await file.read(), file.path), file.path);
    return packages.length > 0 ? { packages } : undefined;
  },
};
