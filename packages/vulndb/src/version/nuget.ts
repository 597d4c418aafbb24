/**
 * NuGet versions (NuGet.Versioning's NuGetVersion): one to four numeric parts
 * (missing ones are 0, leading zeros allowed: 1.01 = 1.1.0.0), an optional
 * SemVer pre-release compared case-insensitively, build metadata ignored.
 */
import type { Comparator } from "./types.js";
import { compareSemverParts, type SemverParts } from "./semverCore.js";
import { withInvalidFirst } from "./numeric.js";

const ID = "[0-9A-Za-z-]+";
const PATTERN = new RegExp(
  `^([0-9]+(?:\\.[0-9]+){0,3})(?:-(${ID}(?:\\.${ID})*))?(?:\\+(${ID}(?:\\.${ID})*))?$`,
);

export function parseNuget(v: string): SemverParts | undefined {
  const m = PATTERN.exec(v.trim());
  if (!m) return undefined;
  return { release: (m[1] ?? "0").split("."), pre: m[2] ? m[2].split(".") : [], build: m[3] ?? "" };
}

export const nugetComparator: Comparator = {
  scheme: "nuget",
  compare: withInvalidFirst(parseNuget, (a, b) => compareSemverParts(a, b, true)),
  valid: (v) => parseNuget(v) !== undefined,
};
