/**
 * Paths skipped by default because they hold vendored or generated text (third-party
 * code, lock files, source maps, minified bundles) or binary formats. `includeNoise`
 * scans the vendored/generated ones; binary content is always skipped.
 */
const NOISE_DIRS = new Set([
  ".git",
  ".hg",
  ".svn",
  "node_modules",
  "bower_components",
  "vendor",
  "__pycache__",
  ".venv",
  ".tox",
  ".mypy_cache",
  ".pytest_cache",
  ".gradle",
  ".terraform",
]);

const NOISE_FILES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lockb",
  "go.sum",
  "cargo.lock",
  "poetry.lock",
  "pipfile.lock",
  "composer.lock",
  "gemfile.lock",
  "packages.lock.json",
  "mix.lock",
]);

const NOISE_SUFFIXES = [".min.js", ".min.css", ".min.mjs", ".js.map", ".css.map", ".map", ".snap"];

const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif ico webp bmp tif tiff psd svgz pdf zip gz tgz bz2 xz zst lz4 7z rar jar war ear " +
    "class so dll dylib exe o a lib obj bin woff woff2 ttf otf eot mp3 mp4 m4a ogg wav flac mov avi mkv webm " +
    "wasm pyc pyo db sqlite sqlite3 deb rpm apk iso img qcow2 dmg msi node"
  ).split(" "),
);

/** Image paths that only ever hold distribution documentation, locale data and package metadata. */
const IMAGE_NOISE_PREFIXES = [
  "/usr/share/doc/",
  "/usr/share/man/",
  "/usr/share/info/",
  "/usr/share/locale/",
  "/usr/share/i18n/",
  "/usr/share/zoneinfo/",
  "/usr/include/",
  "/var/lib/dpkg/",
  "/var/lib/apt/lists/",
  "/var/cache/",
];

export function isNoiseDir(name: string): boolean {
  return NOISE_DIRS.has(name);
}

function extension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

export function isBinaryName(name: string): boolean {
  return BINARY_EXTENSIONS.has(extension(name));
}

export function isNoiseFile(name: string): boolean {
  const lower = name.toLowerCase();
  return NOISE_FILES.has(lower) || NOISE_SUFFIXES.some((s) => lower.endsWith(s));
}

/** For image paths: why the file is skipped, or undefined to scan it. */
export function imagePathSkip(path: string, includeNoise: boolean): "binary" | "noise" | undefined {
  const segments = path.split("/");
  const name = segments[segments.length - 1] ?? "";
  if (isBinaryName(name)) return "binary";
  if (includeNoise) return undefined;
  if (isNoiseFile(name) || segments.some(isNoiseDir)) return "noise";
  if (IMAGE_NOISE_PREFIXES.some((p) => path.startsWith(p))) return "noise";
  return undefined;
}

/** A NUL byte in the first 8 000 bytes marks binary content (the heuristic git and grep use). */
export function looksBinary(buf: Buffer, length = buf.length): boolean {
  return buf.subarray(0, Math.min(length, 8000)).includes(0);
}
