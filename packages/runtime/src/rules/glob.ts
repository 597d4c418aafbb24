/**
 * Falco's glob (fnmatch without FNM_PATHNAME): `*` and `?` also match "/", `[...]` is a
 * character class (`[!...]` or `[^...]` negated, ranges allowed), `\` escapes. Matched
 * with the classic single-backtrack wildcard algorithm — O(pattern × text) at worst —
 * because a RegExp built from a glob such as `*a*a*a*a*b` backtracks exponentially.
 */
type Token =
  | { t: "lit"; c: string }
  | { t: "any" }
  | { t: "star" }
  | { t: "class"; negated: boolean; ranges: Array<[string, string]> };

function tokenize(glob: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (out.at(-1)?.t !== "star") out.push({ t: "star" });
    } else if (c === "?") out.push({ t: "any" });
    else if (c === "\\" && i + 1 < glob.length) out.push({ t: "lit", c: glob[++i]! });
    else if (c === "[") {
      const cls = parseClass(glob, i);
      if (cls) {
        out.push(cls.token);
        i = cls.end;
      } else out.push({ t: "lit", c });
    } else out.push({ t: "lit", c });
  }
  return out;
}

/** A class starting at `start` ("["), or undefined when it is never closed. */
function parseClass(glob: string, start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  const negated = glob[i] === "!" || glob[i] === "^";
  if (negated) i++;
  const ranges: Array<[string, string]> = [];
  // A "]" right after the opening bracket is a literal member.
  for (let first = true; i < glob.length && (first || glob[i] !== "]"); first = false) {
    const lo = glob[i]!;
    if (glob[i + 1] === "-" && i + 2 < glob.length && glob[i + 2] !== "]") {
      ranges.push([lo, glob[i + 2]!]);
      i += 3;
    } else {
      ranges.push([lo, lo]);
      i++;
    }
  }
  return i < glob.length ? { token: { t: "class", negated, ranges }, end: i } : undefined;
}

function matchesOne(tok: Token, ch: string, ignoreCase: boolean): boolean {
  switch (tok.t) {
    case "any":
      return true;
    case "lit":
      return ignoreCase ? tok.c.toLowerCase() === ch.toLowerCase() : tok.c === ch;
    case "class": {
      const cands = ignoreCase ? [ch.toLowerCase(), ch.toUpperCase()] : [ch];
      const inClass = tok.ranges.some(([lo, hi]) => cands.some((x) => x >= lo && x <= hi));
      return inClass !== tok.negated;
    }
    default:
      return false;
  }
}

export function compileGlob(glob: string, ignoreCase: boolean): (text: string) => boolean {
  const toks = tokenize(glob);
  return (s) => {
    let si = 0;
    let pi = 0;
    let starP = -1;
    let starS = 0;
    while (si < s.length) {
      const tok = toks[pi];
      if (tok !== undefined && tok.t !== "star" && matchesOne(tok, s[si]!, ignoreCase)) {
        si++;
        pi++;
      } else if (tok?.t === "star") {
        starP = pi++;
        starS = si;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else return false;
    }
    while (toks[pi]?.t === "star") pi++;
    return pi === toks.length;
  };
}
