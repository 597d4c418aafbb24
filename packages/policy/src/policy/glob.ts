/**
 * Image-name globs: `*` matches within one path segment, `**` across segments, `?` one
 * character other than `/`. Only characters that can occur in an image reference are
 * allowed, so a pattern with a typo (a space, a regex bracket) is refused at load time
 * instead of silently matching nothing.
 */
const ALLOWED = /^[A-Za-z0-9._:/@*?-]+$/;

export class GlobError extends Error {}

export function compileGlob(pattern: string): RegExp {
  if (!pattern) throw new GlobError("empty pattern");
  if (!ALLOWED.test(pattern)) {
    const bad = [...pattern].find((c) => !/[A-Za-z0-9._:/@*?-]/.test(c)) ?? "";
    throw new GlobError(`character ${JSON.stringify(bad)} is not allowed in an image glob`);
  }
  if (/\*{3,}/.test(pattern)) throw new GlobError("more than two '*' in a row");
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.]/g, "\\.");
  }
  return new RegExp(`^${re}$`);
}

/** The strings an image reference is matched as: name, name:tag, name@digest. */
export function imageNames(ref: {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}): string[] {
  const name = `${ref.registry}/${ref.repository}`;
  const out = [name];
  if (ref.tag) out.push(`${name}:${ref.tag}`);
  if (ref.digest) out.push(`${name}@${ref.digest}`);
  return out;
}

export function matchesAny(glob: RegExp, names: readonly string[]): boolean {
  return names.some((n) => glob.test(n));
}
