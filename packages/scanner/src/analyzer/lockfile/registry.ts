/**
 * Which parser reads which committed dependency file, by file name. Adding a format is
 * one line here plus its parser folder.
 */
import type { LockResult } from "./common.js";
import { parseCargoLock } from "./cargo/cargo-lock.js";
import { parseComposerLock } from "./composer/composer-lock.js";
import { parseGemfileLock } from "./gem/gemfile-lock.js";
import { parseGoMod } from "./go/go-mod.js";
import { parseGradleLockfile } from "./gradle/gradle-lockfile.js";
import { parsePom } from "./maven/pom.js";
import { parsePackageLock } from "./npm/package-lock.js";
import { parsePackagesLock } from "./nuget/packages-lock.js";
import { parsePnpmLock } from "./pnpm/pnpm-lock.js";
import { parsePipfileLock } from "./python/pipfile-lock.js";
import { parseRequirements } from "./python/requirements.js";
import { parsePoetryLock, parseUvLock } from "./python/toml-locks.js";
import { parseYarnLock } from "./yarn/yarn-lock.js";

export type LockParser = (text: string, path: string) => LockResult;

// A Map, not an object literal: file names come from the image, and "constructor" or
// "__proto__" must not find Object.prototype's members.
const BY_NAME = new Map<string, LockParser>(
  Object.entries({
    "package-lock.json": parsePackageLock,
    "npm-shrinkwrap.json": parsePackageLock,
    "yarn.lock": parseYarnLock,
    "pnpm-lock.yaml": parsePnpmLock,
    "poetry.lock": parsePoetryLock,
    "Pipfile.lock": parsePipfileLock,
    "uv.lock": parseUvLock,
    "go.mod": parseGoMod,
    "Cargo.lock": parseCargoLock,
    "Gemfile.lock": parseGemfileLock,
    "gems.locked": parseGemfileLock,
    "composer.lock": parseComposerLock,
    "packages.lock.json": parsePackagesLock,
    "gradle.lockfile": parseGradleLockfile,
    "pom.xml": parsePom,
  }),
);

const REQUIREMENTS = /^requirements[\w.-]*\.txt$/;

/** The parser for a file name, or undefined when it is not a dependency file we read. */
export function lockParserFor(fileName: string): LockParser | undefined {
  if (REQUIREMENTS.test(fileName)) return (text, path) => parseRequirements(text, path);
  return BY_NAME.get(fileName);
}
