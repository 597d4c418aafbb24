import { afterAll, describe, expect, it } from "vitest";
import { parseDpkgStatus } from "../packages/scanner/src/analyzer/dpkg/dpkg.js";
import { Coverage } from "./coverage.js";
import { fuzz } from "./engine.js";
import { targets } from "./targets.js";

// The guidance itself: V8 block coverage taken after each input must see new code as new
// and repeated code as nothing new, or the fuzzer keeps the wrong inputs.
describe("coverage feedback", () => {
  // Only the parser's own script counts here: the test's own assertions run library code too.
  const coverage = new Coverage((url) => url.includes("/analyzer/dpkg/"));
  afterAll(() => coverage.stop());

  it("a new input shape covers new blocks; repeating it covers none", () => {
    coverage.takeNew();
    const plain = "Package: a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n";
    parseDpkgStatus(plain, "status");
    expect(coverage.takeNew()).toBeGreaterThan(0);
    parseDpkgStatus(plain, "status");
    expect(coverage.takeNew()).toBe(0);
    const withSource = "Package: b\nStatus: install ok installed\nVersion: 2:1.0-1\nSource: c (1.1)\n\n";
    parseDpkgStatus(withSource, "status");
    expect(coverage.takeNew()).toBeGreaterThan(0);
    expect(coverage.total).toBeGreaterThan(0);
  });

  it("a guided run keeps only inputs that reached new code", async () => {
    const target = targets.find((t) => t.name === "dockerfile")!;
    const seeds = [Buffer.from("FROM debian:12\nRUN true\n")];
    const stats = await fuzz(target, seeds, 7, (n) => n >= 300, new Coverage());
    expect(stats.blocks).toBeGreaterThan(0);
    // Far fewer than the 300 inputs tried: most mutations add nothing.
    expect(stats.corpus).toBeGreaterThan(1);
    expect(stats.corpus).toBeLessThan(300);
  });
});
