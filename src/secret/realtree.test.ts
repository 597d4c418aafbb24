import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { secretScanner } from "./scanner.js";

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
