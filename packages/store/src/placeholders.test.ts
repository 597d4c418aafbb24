import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toSqlitePlaceholders } from "./placeholders.js";

describe("toSqlitePlaceholders", () => {
  it("orders parameters by appearance and repeats reused ones", () => {
    expect(toSqlitePlaceholders("SELECT $2, $1, $2", ["a", "b"])).toEqual({
      sql: "SELECT ?, ?, ?",
      params: ["b", "a", "b"],
    });
  });

  it("leaves literals, quoted identifiers and comments untouched", () => {
    const sql = `SELECT '$1 it''s', "$2", $1 -- $2\n /* $2 */`;
    expect(toSqlitePlaceholders(sql, ["x"])).toEqual({
      sql: `SELECT '$1 it''s', "$2", ? -- $2\n /* $2 */`,
      params: ["x"],
    });
  });

  it("refuses a placeholder without a parameter", () => {
    expect(() => toSqlitePlaceholders("SELECT $3", [1])).toThrow(RangeError);
    expect(() => toSqlitePlaceholders("SELECT $0", [1])).toThrow(RangeError);
  });

  it("never loses or invents a parameter (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 20 }), fc.string(), (refs, junk) => {
        const literal = `'${junk.replace(/'/g, "''")}'`;
        const sql = `SELECT ${literal}${refs.map((n) => `, $${n}`).join("")}`;
        const params = [10, 20, 30, 40, 50];
        const out = toSqlitePlaceholders(sql, params);
        expect(out.params).toEqual(refs.map((n) => params[n - 1]));
        expect(out.sql.split("?").length - 1 - (junk.split("?").length - 1)).toBe(refs.length);
      }),
    );
  });
});
