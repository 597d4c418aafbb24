import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BulwarkError } from "../../../model/src/errors.js";
import type { SecretFinding } from "../../../model/src/finding.js";
import type { ScanOptions } from "../../../model/src/scan-options.js";
import { secretScanner } from "./scanner.js";
import { fill, prng } from "./testutil/generate.js";

const rand = prng(11);
const GH = fill("ghp_{A62:36}", rand);
const STRIPE = fill("sk_live_{A62:32}", rand);
const ACME = fill("acme_{LOWD:32}", rand);
let dir: string;
const opts = (extra: Partial<ScanOptions> = {}): ScanOptions => ({
  cacheDir: dir,
  scanners: ["secret"],
  ...extra,
});
const scan = (extra: Partial<ScanOptions> = {}) => secretScanner.scanPath!(join(dir, "repo"), opts(extra));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-secret-scanner-"));
  const repo = join(dir, "repo");
  mkdirSync(repo);
  writeFileSync(
    join(repo, "settings.py"),
    [
      "DEBUG = False",
      `GITHUB_TOKEN = "${GH}"`,
      `STRIPE_KEY = "${STRIPE}"  # bulwark:allow test fixture owned by QA`,
      `ACME_KEY = "${ACME}"`,
      "",
    ].join("\n"),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("secretScanner.scanPath", () => {
  it("emits the JSON finding shape and lists inline suppressions with their reason", async () => {
    const r = await scan();
    const gh = r.findings.find((f) => f.id === "github-pat") as SecretFinding;
    expect(gh).toMatchObject({
      kind: "secret",
      severity: "CRITICAL",
      title: expect.any(String),
      file: "settings.py",
      line: 2,
    });
    expect(gh.match).not.toContain(GH);
    expect(gh.fingerprint).toMatch(/^[a-f0-9]{64}$/);
    expect(r.suppressed).toEqual([
      expect.objectContaining({
        by: "inline",
        reason: "test fixture owned by QA",
        finding: expect.objectContaining({ id: "stripe-live-secret-key", line: 3 }),
      }),
    ]);
    expect(r.summary?.secret).toMatchObject({ filesScanned: 1 });
  });

  it("keeps the fingerprint when unrelated lines below change", async () => {
    const before = (await scan()).findings.find((f) => f.id === "github-pat") as SecretFinding;
    writeFileSync(join(dir, "repo/settings.py"), `DEBUG = False\nGITHUB_TOKEN = "${GH}"\nOTHER = 1\n`);
    const after = (await scan()).findings.find((f) => f.id === "github-pat") as SecretFinding;
    expect(after.fingerprint).toBe(before.fingerprint);
    writeFileSync(
      join(dir, "repo/settings.py"),
      `DEBUG = False\nGITHUB_TOKEN = "${GH}"\nSTRIPE_KEY = "${STRIPE}"  # bulwark:allow test fixture owned by QA\nACME_KEY = "${ACME}"\n`,
    );
  });

  it("suppresses baseline fingerprints (report JSON or plain list) and lists them", async () => {
    const first = await scan();
    const report = join(dir, "baseline.json");
    writeFileSync(report, JSON.stringify({ findings: first.findings, summary: { suppressed: [] } }));
    const r = await scan({ baseline: report });
    expect(r.findings).toEqual([]);
    expect(r.suppressed?.filter((s) => s.by === "baseline").map((s) => s.finding.id)).toEqual(
      first.findings.map((f) => f.id),
    );
    const list = join(dir, "baseline.txt");
    writeFileSync(list, `# known\n${(first.findings[0] as SecretFinding).fingerprint}\n`);
    expect((await scan({ baseline: list })).findings).toHaveLength(first.findings.length - 1);
    writeFileSync(list, "not-a-fingerprint\n");
    await expect(scan({ baseline: list })).rejects.toThrow(/is not a secret fingerprint/);
  });

  it("loads user rules from --secret-config and disables rules by id", async () => {
    const config = join(dir, "rules.yaml");
    writeFileSync(
      config,
      "rules:\n  - id: acme-api-key\n    title: ACME API key\n    severity: HIGH\n    keywords: [acme_]\n    regex: 'acme_[a-z0-9]{32}'\n    entropy: 3\ndisable: [github-pat]\n",
    );
    const r = await scan({ secretConfig: config });
    const ids = r.findings.map((f) => f.id);
    expect(ids).toContain("acme-api-key");
    expect(ids).not.toContain("github-pat");
    expect(
      (await scan({ disableRules: ["acme-api-key"], secretConfig: config })).findings.map((f) => f.id),
    ).not.toContain("acme-api-key");
  });

  it("fails with one clear line on bad configuration or a missing target", async () => {
    const config = join(dir, "bad.yaml");
    writeFileSync(
      config,
      "rules:\n  - id: slow\n    title: t\n    severity: HIGH\n    keywords: [a]\n    regex: '(a+)+b'\n",
    );
    await expect(scan({ secretConfig: config })).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(/unbounded quantifier/),
    });
    writeFileSync(config, "rules: [\n");
    await expect(scan({ secretConfig: config })).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    await expect(scan({ disableRules: ["no-such-rule"] })).rejects.toMatchObject({ code: "USAGE" });
    await expect(scan({ disableRules: ["BW-K8S-001"] })).resolves.toBeDefined();
    const missing = secretScanner.scanPath!(join(dir, "nope"), opts());
    await expect(missing).rejects.toBeInstanceOf(BulwarkError);
    await expect(missing).rejects.toMatchObject({ code: "TARGET_NOT_FOUND" });
  });
});

describe("user rule files with wrong types", () => {
  it.each([
    ["rules: [just-a-string]\n", /every entry of rules must be a mapping/],
    [
      "rules:\n  - id: a\n    title: t\n    severity: HIGH\n    keywords: [a]\n    regex: a\n    allowlist: {paths: 3}\n",
      /allowlist.paths must be a list/,
    ],
    [
      "rules:\n  - id: a\n    title: t\n    severity: SEVERE\n    keywords: [a]\n    regex: a\n",
      /severity must be one of/,
    ],
    [
      "rules:\n  - id: a\n    title: t\n    severity: HIGH\n    keywords: []\n    regex: a\n",
      /keywords must be a non-empty list/,
    ],
    [
      "rules:\n  - id: a\n    title: t\n    severity: HIGH\n    keywords: [a]\n    regex: '(a'\n",
      /invalid regex/,
    ],
    ["colour: red\n", /unknown key\(s\) colour/],
  ])("%s", async (yaml, message) => {
    const config = join(dir, "typed.yaml");
    writeFileSync(config, yaml);
    await expect(scan({ secretConfig: config })).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(message),
    });
  });
});
