/**
 * Falco's glob (fnmatch without FNM_PATHNAME): `*` and `?` also match "/",
 * `[...]` is a character class. Compiled once into an anchored RegExp.
 */
export function globToRegExp(glob: string, ignoreCase: boolean): RegExp {
  let out = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) out += "\\[";
      else {
        let cls = glob.slice(i + 1, close).replace(/\\/g, "\\\\");
        if (cls.startsWith("!")) cls = `^${cls.slice(1)}`;
        out += `[${cls}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`${out}$`, ignoreCase ? "i" : "");
}
