import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, offer } from "../testutil/testing.js";
import { dotnetAnalyzer } from "./dotnet.js";

// Hand-written in the shape `dotnet publish` writes: no .NET SDK runs on this machine.
const deps = readFileSync(join(import.meta.dirname, "testdata", "app.deps.json"));

describe("dotnet analyzer", () => {
  it("reports libraries of type package, not the project itself", async () => {
    const out = await offer(dotnetAnalyzer, bufferFile("/app/app.deps.json", deps));
    expect(out?.packages?.map((p) => [p.type, p.name, p.version, p.locations[0]?.path])).toEqual([
      ["nuget", "Newtonsoft.Json", "13.0.1", "/app/app.deps.json"],
      ["nuget", "Serilog", "2.12.0", "/app/app.deps.json"],
    ]);
  });

  it("rejects malformed files with PARSE", async () => {
    await expect(
      offer(dotnetAnalyzer, bufferFile("/a.deps.json", '{"libraries": {"NoVersion": {"type": "package"}}}')),
    ).rejects.toMatchObject({ code: "PARSE" });
    await expect(offer(dotnetAnalyzer, bufferFile("/a.deps.json", "[]"))).rejects.toMatchObject({
      code: "PARSE",
    });
    expect(dotnetAnalyzer.wants("/a.runtimeconfig.json", { size: 10, mode: 0o100644 })).toBe(false);
  });
});
