import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ListRewriter } from "./list-method.js";

interface Req {
  method: "GET" | "POST" | "LIST";
  path: string;
  body: string;
}

const wire = (r: Req, method = r.method as string, extra = ""): string =>
  `${method} ${r.path} HTTP/1.1\r\n${extra}Host: x\r\n${r.body ? `Content-Length: ${Buffer.byteLength(r.body)}\r\n` : ""}\r\n${r.body}`;

describe("LIST method rewrite", () => {
  it("rewrites exactly the LIST request lines, however the bytes are split", () => {
    const req = fc.record({
      method: fc.constantFrom("GET", "POST", "LIST"),
      path: fc.stringMatching(/^\/v1\/[a-z/]{0,12}$/),
      // bodies that look like requests must pass through untouched
      body: fc.oneof(fc.constant(""), fc.string(), fc.constant("LIST /v1/evil HTTP/1.1\r\n\r\n")),
    }) as fc.Arbitrary<Req>;
    fc.assert(
      fc.property(
        fc.array(req, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (reqs, cuts) => {
          const input = Buffer.from(reqs.map((r) => wire(r)).join(""));
          const expected = reqs
            .map((r) => (r.method === "LIST" ? wire(r, "GET", "X-Bulwark-List: 1\r\n") : wire(r)))
            .join("");
          const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
          const rw = new ListRewriter();
          const out: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, input.length]) {
            out.push(...rw.push(input.subarray(prev, p)));
            prev = p;
          }
          expect(Buffer.concat(out).toString()).toBe(expected);
        },
      ),
    );
  });
});
