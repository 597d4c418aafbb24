/**
 * Rewrites PostgreSQL-style `$1, $2…` placeholders into SQLite's positional `?`, returning the
 * parameters in the order the `?`s appear (a `$n` may be used several times). Quoted strings,
 * quoted identifiers and comments are copied untouched, so a literal '$1' stays a literal.
 */
export function toSqlitePlaceholders(
  sql: string,
  params: readonly unknown[],
): { sql: string; params: unknown[] } {
  let out = "";
  const ordered: unknown[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      const end = nl < 0 ? sql.length : nl;
      out += sql.slice(i, end);
      i = end;
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      const end = close < 0 ? sql.length : close + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (c === "$" && isDigit(sql[i + 1])) {
      let j = i + 1;
      while (isDigit(sql[j])) j++;
      const n = Number(sql.slice(i + 1, j));
      if (n < 1 || n > params.length) {
        throw new RangeError(`placeholder $${n} has no parameter (${params.length} given)`);
      }
      ordered.push(params[n - 1]);
      out += "?";
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return { sql: out, params: ordered };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Index just past the closing quote; a doubled quote is an escaped quote. */
function closingQuote(sql: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}
