import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerChecks } from "./checks.js";

async function run(args: string[]): Promise<string> {
  const program = new Command("bulwark").exitOverride();
  registerChecks(program);
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(args, { from: "user" });
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe("bulwark checks list", () => {
  it("prints the catalog as JSON", async () => {
    const list = JSON.parse(await run(["checks", "list", "--format", "json"])) as Array<{
      id: string;
      mappings: object;
    }>;
    expect(list.length).toBeGreaterThanOrEqual(220);
    expect(list.find((c) => c.id === "BW-K8S-001")?.mappings).toMatchObject({ trivy: ["KSV017"] });
    expect(list.find((c) => c.id === "BW-DF-023")?.mappings).toMatchObject({
      hadolint: ["DL3014"],
      trivy: ["DS021"],
    });
    expect(list.find((c) => c.id === "BW-CP-001")?.mappings).toMatchObject({ "cis-kubernetes": ["1.2.1"] });
  });

  it("prints a table, optionally for one family", async () => {
    const out = await run(["checks", "list", "--family", "rbac"]);
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+TITLE\s+PEER IDS$/);
    expect(lines.filter((l) => l.startsWith("BW-RBAC-"))).toHaveLength(27);
    expect(lines.at(-1)).toBe("27 checks");
  });

  it("rejects an unknown format", async () => {
    await expect(run(["checks", "list", "--format", "xml"])).rejects.toMatchObject({ code: "USAGE" });
  });
});
