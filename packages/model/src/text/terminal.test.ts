/**
 * Terminal injection: a hostile tree's file names reach the table output escaped, while
 * JSON and SARIF keep them byte for byte. The files are real files on disk, scanned by
 * the real CLI (secret scanner on `scan fs`, Node cataloger on `sbom rootfs:`).
 */
import fc from "fast-check";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/src/testutil/cli.js";
import type { Report } from "../finding.js";
import type { Inventory } from "../package.js";
import { escapeProse, escapeStrings, escapeTerminal } from "./terminal.js";

interface SarifResult {
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
}

const CLEAR = "\x1b[2J";
const OSC_TITLE = "\x1b]0;pwned\x07";
const HOSTILE = `evil${CLEAR}${OSC_TITLE}\u009b31m\u202eexe.txt`;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "bulwark-terminal-"));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("escapeTerminal", () => {
  it("shows ESC, OSC, C0, C1, DEL and bidi controls as visible escapes", () => {
    expect(escapeTerminal(`a${CLEAR}b`)).toBe("a\\e[2Jb");
    expect(escapeTerminal(OSC_TITLE)).toBe("\\e]0;pwned\\x07");
    expect(escapeTerminal("x\u009b\u007f\u0000\n\u202e")).toBe("x\\x9b\\x7f\\x00\\n\\u202e");
    expect(escapeProse("line one\nline\ttwo\x1b")).toBe("line one line two\\e");
    expect(escapeTerminal("plain ünïcode ✓ path/to/file")).toBe("plain ünïcode ✓ path/to/file");
  });

  it("leaves no control character in any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(escapeTerminal(s)).not.toMatch(ANY_CONTROL);
        expect(escapeTerminal(s)).not.toContain("\n");
      }),
    );
  });

  it("is exact on text with no control characters (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        if (!ANY_CONTROL.test(s) && !/[\n\u061c\u200e\u200f\u2028\u2029]/.test(s))
          expect(escapeTerminal(s)).toBe(s);
      }),
    );
  });

  it("escapes keys and values of nested reports, numbers untouched", () => {
    const out = escapeStrings({ a: [{ path: "x\x1b", n: 3 }], title: "t\nu", [`k\x07`]: true });
    expect(out).toEqual({ a: [{ path: "x\\e", n: 3 }], title: "t u", "k\\x07": true });
  });
});

/** A tree with a secret in a hostile file name and a package whose name and version are hostile. */
function hostileTree(): string {
  const root = tmp();
  writeFileSync(join(root, HOSTILE), `aws_access_key_id = AKIAZ7VRSQ5TQW3XFIBL\n`);
  const pkg = join(root, "node_modules", "evil");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, "package.json"),
    JSON.stringify({ name: `evil${OSC_TITLE}`, version: `1.0.0${CLEAR}` }),
  );
  return root;
}

describe("CLI output on a hostile tree", () => {
  it("scan fs: the table escapes the file name; JSON and SARIF keep it exact", async () => {
    const root = hostileTree();
    const base = ["--cache-dir", tmp(), "scan", "fs", root, "--scanners", "secret"];
    const table = await runCli(base);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("evil\\e[2J\\e]0;pwned\\x07\\x9b31m\\u202eexe.txt");
    expect(table.stdout).not.toMatch(ANY_CONTROL);
    expect(table.stderr).not.toMatch(ANY_CONTROL);
    const json = JSON.parse((await runCli([...base, "--format", "json"])).stdout) as Report;
    expect(json.findings.some((f) => f.kind === "secret" && f.file.endsWith(HOSTILE))).toBe(true);
    const sarif = (await runCli([...base, "--format", "sarif"])).stdout;
    const uri = (JSON.parse(sarif) as { runs: Array<{ results: SarifResult[] }> }).runs[0]?.results[0]
      ?.locations[0]?.physicalLocation.artifactLocation.uri;
    // SARIF carries the name as a percent-encoded URI: exact once decoded.
    expect(decodeURIComponent(uri ?? "")).toBe(HOSTILE);
  });

  it("sbom: the table escapes package names and versions; JSON keeps them exact", async () => {
    const root = hostileTree();
    const base = ["--cache-dir", tmp(), "sbom", `rootfs:${root}`];
    const table = await runCli(base);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("evil\\e]0;pwned\\x07");
    expect(table.stdout).toContain("1.0.0\\e[2J");
    expect(table.stdout).not.toMatch(ANY_CONTROL);
    const inv = JSON.parse((await runCli([...base, "--format", "json"])).stdout) as Inventory;
    expect(inv.packages.map((p) => p.name)).toContain(`evil${OSC_TITLE}`);
  });

  it("an error message naming a hostile path is escaped on stderr", async () => {
    const r = await runCli([
      "--cache-dir",
      tmp(),
      "scan",
      "fs",
      join(tmp(), `missing${CLEAR}`),
      "--scanners",
      "secret",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing\\e[2J");
    expect(r.stderr).not.toMatch(ANY_CONTROL);
  });
});
