import { describe, expect, it } from "vitest";
import { parsePlatform, platformMatches } from "./platform.js";

describe("platforms", () => {
  it("parses OS/ARCH[/VARIANT] and rejects junk", () => {
    expect(parsePlatform()).toEqual({ os: "linux", architecture: "amd64" });
    expect(parsePlatform("linux/arm64/v8")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(() => parsePlatform("amd64")).toThrow(expect.objectContaining({ code: "USAGE" }));
    expect(() => parsePlatform("linux/arm/")).toThrow(expect.objectContaining({ code: "USAGE" }));
  });

  it("treats arm64 without a variant as v8 and requires a wanted variant", () => {
    expect(platformMatches(parsePlatform("linux/arm64/v8"), { os: "linux", architecture: "arm64" })).toBe(
      true,
    );
    expect(
      platformMatches(parsePlatform("linux/arm64"), { os: "linux", architecture: "arm64", variant: "v8" }),
    ).toBe(true);
    expect(
      platformMatches(parsePlatform("linux/arm/v7"), { os: "linux", architecture: "arm", variant: "v6" }),
    ).toBe(false);
    expect(
      platformMatches(parsePlatform("linux/arm"), { os: "linux", architecture: "arm", variant: "v6" }),
    ).toBe(true);
    expect(platformMatches(parsePlatform("linux/amd64"), { os: "linux", architecture: "arm64" })).toBe(false);
    expect(platformMatches(parsePlatform("linux/amd64"), undefined)).toBe(false);
  });
});
