/**
 * Which parser reads which committed dependency file, by file name. Adding a format is
 * one line here plus its parser folder.
 *
 * Why parsers are loaded on first use: several need a sizeable library (yaml for pnpm and
 * Berry, smol-toml for Cargo, Poetry and uv, fast-xml-parser for Maven), and most images and
 * trees have none of these files. With an `import()` per format, the shipped CLI's bundle keeps
 * each in its own chunk, read and compiled only when such a file is found.
 */
import type { LockResult } from "./common.js";

export type LockParser = (text: string, path: string) => LockResult;
export type LockParserLoader = () => Promise<LockParser>;

// A Map, not an object literal: file names come from the image, and "constructor" or
// "__proto__" must not find Object.prototype's members.
const BY_NAME = new Map<string, LockParserLoader>(
  Object.entries({
    "package-lock.json": async () => (await import("./npm/package-lock.js")).parsePackageLock,
    "npm-shrinkwrap.json": async () => (await import("./npm/package-lock.js")).parsePackageLock,
    "yarn.lock": async () => (await import("./yarn/yarn-lock.js")).parseYarnLock,
    "pnpm-lock.yaml": async () => (await import("./pnpm/pnpm-lock.js")).parsePnpmLock,
    "poetry.lock": async () => (await import("./python/toml-locks.js")).parsePoetryLock,
    "Pipfile.lock": async () => (await import("./python/pipfile-lock.js")).parsePipfileLock,
    "uv.lock": async () => (await import("./python/toml-locks.js")).parseUvLock,
    "go.mod": async () => (await import("./go/go-mod.js")).parseGoMod,
    "Cargo.lock": async () => (await import("./cargo/cargo-lock.js")).parseCargoLock,
    "Gemfile.lock": async () => (await import("./gem/gemfile-lock.js")).parseGemfileLock,
    "gems.locked": async () => (await import("./gem/gemfile-lock.js")).parseGemfileLock,
    "composer.lock": async () => (await import("./composer/composer-lock.js")).parseComposerLock,
    "packages.lock.json": async () => (await import("./nuget/packages-lock.js")).parsePackagesLock,
    "gradle.lockfile": async () => (await import("./gradle/gradle-lockfile.js")).parseGradleLockfile,
    "pom.xml": async () => (await import("./maven/pom.js")).parsePom,
  }),
);

const REQUIREMENTS = /^requirements[\w.-]*\.txt$/;

const loadRequirements: LockParserLoader = async () => {
  const { parseRequirements } = await import("./python/requirements.js");
  return (text, path) => parseRequirements(text, path);
};

/** The loader of the parser for a file name, or undefined when it is not a dependency file we read. */
export function lockParserFor(fileName: string): LockParserLoader | undefined {
  if (REQUIREMENTS.test(fileName)) return loadRequirements;
  return BY_NAME.get(fileName);
}
