/**
 * The runtime CLI run as a real process (node + tsx on src/cli/bin.ts), so exit codes,
 * stdout and stderr are exactly what a user sees.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultRuleFiles } from "../rules/index.js";
import { REPO_ROOT, falcoRulesDir } from "../testkit/paths.js";
import { ATTACKS, benignEvents } from "../testkit/scenarios.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-runtime-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bulwark(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", resolve(REPO_ROOT, "packages/cli/src/bin.ts"), ...args],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const RULE = (cond: string): string =>
  `- rule: r\n  desc: d\n  condition: ${cond}\n  output: o %proc.name\n  priority: WARNING\n`;

describe("bulwark runtime rules validate", () => {
  it("exits 0 and summarises the default rules", async () => {
    const r = await bulwark(["runtime", "rules", "validate", ...defaultRuleFiles()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 52 rules \(52 evaluable\), \d+ macros, \d+ lists, 0 warnings$/m);
  });

  it.runIf(falcoRulesDir())(
    "exits 0 on Falco's rules and names what it cannot evaluate (skipped without shared/peers/falco)",
    async () => {
      const r = await bulwark(["runtime", "rules", "validate", join(falcoRulesDir()!, "falco_rules.yaml")]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        "UNSUPPORTED_FIELD: rule Contact K8S API Server From Container: not evaluated: Bulwark cannot supply fd.sip.name",
      );
    },
  );

  it.each([
    ["syntax.yaml", "- rule: r\n  desc: [oops\n", /syntax\.yaml:\d+:\d+: YAML syntax error/],
    [
      "cond.yaml",
      RULE("proc.name = bash and (evt.type = execve"),
      /cond\.yaml:3:\d+: rule r: "\(" at \d+ is never closed/,
    ],
    [
      "unknown.yaml",
      RULE("proc.name = bash and not_a_macro"),
      /unknown\.yaml:3:35: rule r: unknown macro "not_a_macro"/,
    ],
    [
      "cycle.yaml",
      `- macro: a\n  condition: b\n- macro: b\n  condition: a\n${RULE("a")}`,
      /cycle\.yaml:\d+:\d+: macro . \(used by rule r\): cyclic macro/,
    ],
    [
      "redos.yaml",
      RULE("proc.cmdline regex '^(\\w+\\s?)*$'"),
      /redos\.yaml:3:\d+: rule r: regex .* could backtrack catastrophically/,
    ],
  ])("%s: one line naming file:line:column, exit 2, no stack trace", async (name, text, message) => {
    const r = await bulwark(["runtime", "rules", "validate", file(name, text)]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^bulwark: RULES_INVALID: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("a missing file is one line, exit 2", async () => {
    const r = await bulwark(["runtime", "rules", "validate", join(dir, "nope.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bulwark: RULES_UNREADABLE: .*nope\.yaml: cannot read/);
  });
});

describe("bulwark runtime replay", () => {
  const attackLines = ATTACKS.flatMap((a) => a.events).map((e) => JSON.stringify(e));
  const benignLines = benignEvents().map((e) => JSON.stringify(e));

  it("raises the expected alerts from recorded events, one JSON line each, with container context", async () => {
    const events = file(
      "events.jsonl",
      [...benignLines, ...attackLines, "garbage line", '{"schema":1}'].join("\n"),
    );
    const r = await bulwark(["runtime", "replay", events]);
    expect(r.code).toBe(0);
    const alerts = r.stdout
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            rule: string;
            container: { id: string };
            imageDigest: string;
            ancestry: unknown[];
          },
      );
    const fired = new Set(alerts.map((a) => a.rule));
    for (const a of ATTACKS) expect(fired.has(a.rule), a.rule).toBe(true);
    expect(alerts[0]).toMatchObject({
      container: { id: "3f4e5d6c7b8a" },
      imageDigest: expect.stringMatching(/^sha256:/),
    });
    expect(r.stderr).toMatch(
      new RegExp(
        `replayed ${attackLines.length + benignLines.length} events from ${attackLines.length + benignLines.length + 2} lines, ${alerts.length} alerts; skipped lines: not JSON: 1, not a Bulwark event: 1`,
      ),
    );
  });

  it("benign events alone raise nothing; text format; stdin", async () => {
    const r = await bulwark(["runtime", "replay", "-", "--format", "text"], benignLines.join("\n"));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`replayed ${benignLines.length} events`);
    const t = await bulwark(["runtime", "replay", "-", "--format", "text"], attackLines[0]);
    expect(t.stdout).toMatch(/^\S+ NOTICE Terminal Shell in Container: Shell with a terminal in container/);
  });

  it("uses only the given --rules (plus defaults with --default-rules)", async () => {
    const rules = file("only.yaml", RULE("evt.type = execve and proc.name = nsenter"));
    const events = file("ev2.jsonl", attackLines.join("\n"));
    const r = await bulwark(["runtime", "replay", events, "--rules", rules]);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { rule: string }).rule),
    ).toEqual(["r"]);
    const both = await bulwark(["runtime", "replay", events, "--rules", rules, "--default-rules"]);
    expect(both.stdout.trim().split("\n").length).toBeGreaterThan(ATTACKS.length);
  });

  it("bad rules, a bad flag or a missing events file: one line, exit 2", async () => {
    const events = file("ev3.jsonl", attackLines[0]!);
    const bad = await bulwark([
      "runtime",
      "replay",
      events,
      "--rules",
      file("bad.yaml", RULE("proc.name = (x")),
    ]);
    expect([bad.code, bad.stderr.trim().split("\n").length]).toEqual([2, 1]);
    const flag = await bulwark(["runtime", "replay", events, "--input-format", "xml"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--input-format: expected one of auto, bulwark, falco, tetragon/);
    const missing = await bulwark(["runtime", "replay", join(dir, "missing.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^bulwark: EVENTS_UNREADABLE: cannot read events: .*missing\.jsonl/);
  });
});
