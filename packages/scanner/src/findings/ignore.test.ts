import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BulwarkError } from "../../../model/src/errors.js";
import { applyIgnores, globToRegExp, loadIgnoreFile, parseIgnoreFile } from "./ignore.js";
import { misconfigFinding, secretFinding, vulnFinding } from "./testutil/findings.js";

const today = new Date("2026-03-15T12:00:00Z");

describe("ignore file parsing", () => {
  it("reads a list under ignore:, dates quoted or not", () => {
    const entries = parseIgnoreFile(
      `ignore:
  - id: CVE-2019-10744
    package: lodash
    expires: 2026-04-01
    reason: not reachable, upgrade planned
  - id: BW-K8S-001
    path: "deploy/**"
    expires: "2026-03-15"
    reason: accepted for the demo cluster
`,
      "x.yaml",
    );
    expect(entries).toEqual([
      {
        id: "CVE-2019-10744",
        package: "lodash",
        expires: "2026-04-01",
        reason: "not reachable, upgrade planned",
      },
      { id: "BW-K8S-001", path: "deploy/**", expires: "2026-03-15", reason: "accepted for the demo cluster" },
    ]);
  });

  it.each([
    ["- id: CVE-1\n", /no reason/],
    ["- reason: x\n", /no id/],
    ["- id: CVE-1\n  reason: x\n  expires: 2026-02-30\n", /expires must be a date/],
    ["- id: CVE-1\n  reason: x\n  expires: next week\n", /expires must be a date/],
    ["ignore: 3\n", /expected a list/],
    ["ignore: [\n", /not valid YAML/],
  ])("rejects %j", (text, message) => {
    expect(() => parseIgnoreFile(text, "bad.yaml")).toThrow(message);
    try {
      parseIgnoreFile(text, "bad.yaml");
    } catch (e) {
      expect((e as BulwarkError).code).toBe("CONFIG_INVALID");
      expect((e as Error).message).toMatch(/^bad\.yaml: /);
    }
  });

  it("finds ./.bulwarkignore.yaml by default and nothing when absent", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-ignore-"));
    expect(loadIgnoreFile(undefined, dir)).toEqual([]);
    writeFileSync(join(dir, ".bulwarkignore.yaml"), "- id: CVE-1\n  reason: r\n");
    expect(loadIgnoreFile(undefined, dir)).toEqual([{ id: "CVE-1", reason: "r" }]);
    expect(() => loadIgnoreFile(join(dir, "missing.yaml"), dir)).toThrow(/cannot read ignore file/);
  });
});

describe("applying ignores", () => {
  const v = vulnFinding();
  const m = misconfigFinding();
  const s = secretFinding();

  it("matches by id or alias, and lists the suppression with its reason", () => {
    const r = applyIgnores([v, m, s], [{ id: "GHSA-jf85-cpcp-j695", reason: "triaged" }], today);
    expect(r.kept).toEqual([m, s]);
    expect(r.suppressed).toEqual([{ finding: v, by: "ignore-file", reason: "triaged" }]);
    expect(r.warnings).toEqual([]);
  });

  it("narrows by package name or purl", () => {
    expect(applyIgnores([v], [{ id: v.id, package: "underscore", reason: "r" }], today).kept).toEqual([v]);
    expect(applyIgnores([v], [{ id: v.id, package: "lodash", reason: "r" }], today).kept).toEqual([]);
    expect(applyIgnores([v], [{ id: v.id, package: "pkg:npm/lodash", reason: "r" }], today).kept).toEqual([]);
    expect(
      applyIgnores([v], [{ id: v.id, package: "pkg:npm/lodash@4.17.5", reason: "r" }], today).kept,
    ).toEqual([v]);
  });

  it("narrows by path glob for every finding kind", () => {
    const entries = [
      { id: v.id, path: "app/**", reason: "r" },
      { id: m.id, path: "deploy/*.yaml", reason: "r" },
      { id: s.id, path: "/home/**", reason: "r" },
    ];
    const r = applyIgnores([v, m, s], entries, today);
    expect(r.kept).toEqual([s]);
  });

  it("suppresses secrets by fingerprint", () => {
    expect(applyIgnores([s], [{ id: s.fingerprint, reason: "test key" }], today).kept).toEqual([]);
  });

  it("applies through the expiry day and stops after it, with a warning", () => {
    const entry = { id: v.id, expires: "2026-03-15", reason: "r" };
    expect(applyIgnores([v], [entry], today).kept).toEqual([]);
    const later = applyIgnores([v], [entry], new Date("2026-03-16T00:00:01Z"));
    expect(later.kept).toEqual([v]);
    expect(later.suppressed).toEqual([]);
    expect(later.warnings).toEqual(["ignore entry CVE-2019-10744 expired on 2026-03-15; no longer applied"]);
  });

  it("globs", () => {
    expect(globToRegExp("usr/lib/**").test("usr/lib/python3/x.py")).toBe(true);
    expect(globToRegExp("**/package.json").test("app/node_modules/a/package.json")).toBe(true);
    expect(globToRegExp("**/package.json").test("package.json")).toBe(true);
    expect(globToRegExp("*.yaml").test("deploy/a.yaml")).toBe(false);
    expect(globToRegExp("a.b?").test("a.bc")).toBe(true);
    expect(globToRegExp("a.b?").test("axbc")).toBe(false);
  });
});
