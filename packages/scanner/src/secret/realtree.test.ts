import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildContext, type SecretContext } from "./config.js";
import { OVERLAP_CHARS, SecretEngine, WINDOW_CHARS } from "./engine.js";
import { AutomatonKeywordFilter, RegexKeywordFilter } from "./keywords.js";
import { looksBinary } from "./noise.js";
import { fingerprint } from "./redact.js";
import { secretScanner } from "./scanner.js";
import { scanTree } from "./tree.js";
import { walkTree } from "./walk.js";

/**
 * False positives on real code: published npm packages (no secrets in them) installed
 * from the registry at test time and scanned with every rule on.
 */
const CACHE = join(tmpdir(), "bulwark-test-cache", "secret-npm-trees");
const PACKAGES = ["typescript@5.9.3", "aws-sdk@2.1692.0"];

/**
 * Known false positives, all in aws-sdk's API documentation examples (apis/*.examples.json):
 * sample keys, a sample SECRET_HASH and sample OIDC id tokens that look exactly like real ones.
 */
const KNOWN = [
  "generic-api-key apis/cognito-idp-2016-04-18.examples.json:666",
  "generic-api-key apis/kms-2014-11-01.examples.json:93",
  "generic-api-key apis/kms-2014-11-01.examples.json:127",
  "generic-api-key apis/kms-2014-11-01.examples.json:646",
  "generic-api-key apis/kms-2014-11-01.examples.json:2343",
  "jwt apis/sso-oidc-2019-06-10.examples.json:71",
  "jwt apis/sso-oidc-2019-06-10.examples.json:121",
  "jwt apis/sso-oidc-2019-06-10.examples.json:128",
  "jwt apis/sso-oidc-2019-06-10.examples.json:159",
];
const MAX_FALSE_POSITIVES = KNOWN.length;

beforeAll(() => {
  if (
    PACKAGES.every((p) =>
      existsSync(join(CACHE, "node_modules", p.slice(0, p.lastIndexOf("@")), "package.json")),
    )
  )
    return;
  mkdirSync(CACHE, { recursive: true });
  execFileSync(
    "npm",
    ["install", "--prefix", CACHE, "--no-audit", "--no-fund", "--ignore-scripts", ...PACKAGES],
    {
      stdio: "inherit",
    },
  );
});

async function findings(pkg: string): Promise<string[]> {
  const result = await secretScanner.scanPath!(join(CACHE, "node_modules", pkg), {
    cacheDir: CACHE,
    scanners: ["secret"],
  });
  const summary = result.summary?.secret as { filesScanned: number };
  expect(summary.filesScanned).toBeGreaterThan(100);
  return result.findings.map((f) => (f.kind === "secret" ? `${f.id} ${f.file}:${f.line}` : ""));
}

describe("false positives on real source trees from npm", () => {
  it("typescript: none", async () => {
    const found = await findings("typescript");
    console.log(`typescript: ${found.length} findings`, found);
    expect(found).toEqual([]);
  });

  it(`aws-sdk: at most ${MAX_FALSE_POSITIVES}, all known documentation samples`, async () => {
    const found = await findings("aws-sdk");
    console.log(`aws-sdk: ${found.length} findings`, found);
    expect(found.length).toBeLessThanOrEqual(MAX_FALSE_POSITIVES);
    expect(found.filter((f) => !KNOWN.includes(f))).toEqual([]);
  });
});

/** Every finding of a tree scan, as fingerprint plus the redacted match and allow reason. */
async function treeFindings(ctx: SecretContext, root: string): Promise<string[]> {
  const result = await scanTree(ctx, root, { includeNoise: true });
  return result.hits
    .map(({ file, hit }) =>
      [
        fingerprint(hit.ruleId, file, hit.line, hit.secretHash),
        hit.ruleId,
        file,
        hit.line,
        hit.match,
        hit.allowed ?? "",
      ].join(" "),
    )
    .sort();
}

describe("the keyword automaton against the combined regex it replaced, on the bench tree", () => {
  const root = join(CACHE, "node_modules");

  it("triggers the same rules at the same offsets in every window of every file", () => {
    const ctx = buildContext({});
    const automaton = new AutomatonKeywordFilter(ctx.engine.rules);
    const regex = new RegexKeywordFilter(ctx.engine.rules);
    const active = ctx.engine.rules.map(() => true);
    let windows = 0;
    let positions = 0;
    const walk = { includeNoise: true, maxFileBytes: 256 * 1024 * 1024, maxDepth: 128 };
    for (const file of walkTree(root, walk, () => undefined)) {
      const bytes = readFileSync(file.path);
      if (looksBinary(bytes)) continue;
      const text = bytes.toString("latin1");
      for (let start = 0; start < text.length; start += WINDOW_CHARS) {
        const end = start + WINDOW_CHARS + OVERLAP_CHARS;
        const expected = [...regex.triggers(text.slice(start, end), active)];
        const got = automaton.triggers(text.slice(start, end), active, bytes.subarray(start, end));
        expect([...(got ?? [])], `${file.rel} at ${start}`).toEqual(expected);
        for (const [, where] of expected) if (where !== "anywhere") positions += where.length;
        windows++;
      }
    }
    console.log(`pre-filters agree on ${windows} windows, ${positions} anchored keyword positions`);
    expect(windows).toBeGreaterThan(3000);
  }, 300_000);

  it("gives identical findings (fingerprints, matches, allow reasons)", async () => {
    const ctx = buildContext({});
    const before = { ...ctx, engine: new SecretEngine(ctx.engine.rules, [], "regex") };
    const old = await treeFindings(before, root);
    const now = await treeFindings(ctx, root);
    console.log(`regex pre-filter ${old.length} findings, automaton ${now.length}`);
    expect(now).toEqual(old);
    expect(now.length).toBeGreaterThan(0);
  }, 300_000);
});
