import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, offer } from "../testutil/testing.js";
import { composerAnalyzer } from "./composer.js";

// Hand-written fixtures in Composer's installed.json shapes: no PHP or Composer runs on this machine.
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name));
const PATH = "/var/www/vendor/composer/installed.json";

describe("composer analyzer", () => {
  it("reads the Composer 2 {packages: [...]} form", async () => {
    const out = await offer(composerAnalyzer, bufferFile(PATH, fixture("installed-v2.json")));
    expect(
      out?.packages?.map((p) => [p.namespace, p.name, p.version, p.licenses.join("|"), p.locations[0]?.path]),
    ).toEqual([
      ["monolog", "monolog", "2.9.1", "MIT", PATH],
      ["psr", "log", "3.0.0", "MIT", PATH],
    ]);
  });

  it("reads the Composer 1 array form", async () => {
    const out = await offer(composerAnalyzer, bufferFile(PATH, fixture("installed-v1.json")));
    expect(out?.packages).toMatchObject([
      {
        type: "composer",
        namespace: "symfony",
        name: "polyfill-ctype",
        version: "v1.27.0",
        licenses: ["MIT", "BSD-3-Clause"],
      },
    ]);
  });

  it("wants only vendor/composer/installed.json and rejects other shapes", async () => {
    expect(composerAnalyzer.wants("/app/composer.json", { size: 10, mode: 0o100644 })).toBe(false);
    await expect(offer(composerAnalyzer, bufferFile(PATH, '{"dev": true}'))).rejects.toMatchObject({
      code: "PARSE",
    });
    await expect(offer(composerAnalyzer, bufferFile(PATH, "[{"))).rejects.toMatchObject({ code: "PARSE" });
  });
});
