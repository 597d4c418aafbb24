/**
 * Re-indents the continuation lines of multi-line quoted scalars. YAML requires them to be
 * indented deeper than the enclosing block, and the `yaml` and js-yaml parsers enforce it,
 * but the parsers Kubernetes users run (Go's yaml.v2/v3 behind kubectl, libyaml, PyYAML)
 * accept a continuation at the parent's own indentation, so such manifests exist and
 * apply. Leading whitespace of a continuation line is folded away, so moving it to the
 * quote's column changes no value and no line number. Returns undefined when nothing
 * needed repair.
 */
export function reindentQuotedScalars(text: string): string | undefined {
  const lines = text.split("\n");
  let changed = false;
  let blockIndent = -1; // inside a block scalar: lines deeper than this are content
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === "" || indent > blockIndent) continue;
      blockIndent = -1;
    }
    const open = openQuote(line);
    if (open === undefined) {
      if (/(^|[\s:-])[|>][-+0-9]*\s*(#.*)?$/.test(line) && /(:\s|^\s*-\s)/.test(line)) blockIndent = indent;
      continue;
    }
    // Continuation lines until the closing quote.
    let state: QuoteState = { quote: open.quote, done: false };
    let j = i + 1;
    for (; j < lines.length && !state.done; j++) {
      const cont = lines[j]!;
      // A document marker at column 0 ends the document even inside quotes: not ours to repair.
      if (/^(---|\.\.\.)(\s|$)/.test(cont)) return undefined;
      const body = cont.replace(/^[ \t]*/, "");
      const wanted = body === "" ? "" : " ".repeat(open.column + 1) + body;
      if (wanted !== cont) {
        lines[j] = wanted;
        changed = true;
      }
      state = scanQuoted(body, 0, state.quote);
    }
    i = j - 1;
  }
  return changed ? lines.join("\n") : undefined;
}

interface QuoteState {
  quote: string;
  done: boolean;
}

/** A quote opening a scalar on this line and left open at its end. */
function openQuote(line: string): { quote: string; column: number } | undefined {
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return undefined;
    if ((c === '"' || c === "'") && startsScalar(line, i)) {
      const s = scanQuoted(line, i + 1, c);
      if (!s.done) return { quote: c, column: i };
      i = s.end ?? line.length;
      continue;
    }
    i++;
  }
  return undefined;
}

/** A quote starts a scalar after indentation, `- `, `: `, `? `, `[`, `{` or `,`. */
function startsScalar(line: string, i: number): boolean {
  const before = line.slice(0, i).trimEnd();
  return before === "" || /(^|\s)-$|:$|\?$|[[{,]$/.test(before);
}

function scanQuoted(s: string, from: number, quote: string): QuoteState & { end?: number } {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote === '"' && c === "\\") {
      i++;
      continue;
    }
    if (c === quote) {
      if (quote === "'" && s[i + 1] === "'") {
        i++;
        continue;
      }
      return { quote, done: true, end: i + 1 };
    }
  }
  return { quote, done: false };
}
