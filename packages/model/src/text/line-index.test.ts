import { describe, expect, it } from "vitest";
import { LineIndex } from "./line-index.js";

describe("LineIndex", () => {
  it("maps every offset to the line the newline count says", () => {
    const text = "a\n\nbc\r\nd\n";
    const index = new LineIndex(text);
    for (let offset = 0; offset < text.length; offset++) {
      expect(index.line(offset)).toBe(text.slice(0, offset).split("\n").length);
    }
  });
});
