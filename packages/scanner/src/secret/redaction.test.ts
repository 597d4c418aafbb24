import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/src/testutil/cli.js";
import { compileRule } from "./compile.js";
import { builtinRules } from "./rules/index.js";
import { fill, prng } from "./testutil/generate.js";

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "bulwark-redaction-"));
  made.push(d);
  return d;
};

/** One file per rule holding its first true example; returns the secrets the rules capture. */
function plantEveryRule(dir: string): string[] {
  const secrets: string[] = [];
  builtinRules.forEach((spec, n) => {
    const text = fill(spec.tps![0]!, prng(1000 + n));
    const rule = compileRule(spec);
    rule.regex.lastIndex = 0;
    const m = rule.regex.exec(text);
    const secret = m?.[rule.spec.secretGroup ?? 0];
    // Secrets shorter than 12 characters are all stars in the output; the check needs a long one.
    if (secret && secret.length >= 12) secrets.push(secret);
    writeFileSync(join(dir, `${spec.id}.txt`), `# example\n${text}\n`);
  });
  return secrets;
}

describe("redaction: no whole secret in any output format or log line", () => {
  const dir = tmp();
  const secrets = plantEveryRule(dir);

  it.each(["json", "sarif", "table"])("%s report and stderr (with --debug)", async (format) => {
    const out = join(tmp(), `report.${format}`);
    const r = await runCli([
      "--debug",
      "--cache-dir",
      tmp(),
      "scan",
      "fs",
      dir,
      "--scanners",
      "secret",
      "--format",
      format,
      "--output",
      out,
    ]);
    const report = readFileSync(out, "utf8");
    expect(secrets.length).toBeGreaterThan(300);
    // The scan found them (the check below is about something real) …
    if (format === "json")
      expect((JSON.parse(report) as { findings: unknown[] }).findings.length).toBeGreaterThan(300);
    // … and printed none of them whole.
    const leaked = secrets.filter((s) => report.includes(s) || r.stdout.includes(s) || r.stderr.includes(s));
    expect(leaked.map((s) => s.slice(0, 6))).toEqual([]);
  });
});
