import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commands, commandsFor } from "./commands.js";
import { runCli } from "./testutil/cli.js";

describe("the command list", () => {
  it("repeats each command's own description as its summary", async () => {
    for (const c of commands) {
      const program = new Command("bulwark");
      (await c.load())(program);
      const loaded = program.commands.find((sub) => sub.name() === c.name);
      expect(loaded, c.name).toBeDefined();
      expect(c.summary, c.name).toBe(loaded!.description());
    }
  });

  it("loads one command for a command word, none for --version, summaries for help", () => {
    const names = (argv: string[]) => {
      const w = commandsFor(argv);
      return w === "summaries" ? w : w.map((c) => c.name);
    };
    expect(names(["--cache-dir", "scan", "sbom", "x"])).toEqual(["sbom"]);
    expect(names(["--quiet", "vault", "--help"])).toEqual(["vault"]);
    expect(names(["--version"])).toEqual([]);
    expect(names(["--help"])).toBe("summaries");
    expect(names([])).toBe("summaries");
    expect(names(["nosuch"])).toHaveLength(commands.length);
    expect(names(["--debug"])).toHaveLength(commands.length);
  });

  it("lists every command in top-level help", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout).toMatch(new RegExp(`^  ${c.name}\\b`, "m"));
  });
});
