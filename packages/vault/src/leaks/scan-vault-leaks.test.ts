/**
 * `bulwark scan fs|image … --vault-leaks`: the scan's own secret findings whose value the vault
 * manages are marked "leaked, rotate now" with the vault path (keyed-hash match; the value is
 * never printed), raised to CRITICAL and listed first; other findings are left as they were.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/src/testutil/cli.js";
import { buildImage, type BuiltImage } from "../../../testkit/src/fixtures/images.js";
import {
  FAKE_AWS_ACCESS_KEY_ID,
  FAKE_AWS_SECRET_ACCESS_KEY,
  recipes,
} from "../../../testkit/src/fixtures/recipes.js";
import { bootstrap } from "../testing/bootstrap.js";
import { rawRequest } from "../testing/raw.js";
import { startInProcess, type InProcessVault } from "../testing/server.js";

interface Finding {
  kind: string;
  id: string;
  severity: string;
  title: string;
  file: string;
  vaultLeak?: { path: string; field: string; version: number; remediation: string };
}

/** A GitHub token the scanner finds but the vault does not manage. */
const UNMANAGED = `ghp_${"Q7wZ2kL9pX4mN8vB3cR6tY1uH5jD0fG2sA9e"}`;

describe("scan --vault-leaks", () => {
  let v: InProcessVault;
  let root: string;
  let dir: string;
  let image: BuiltImage;

  beforeAll(async () => {
    image = await buildImage(recipes.deletes);
    v = await startInProcess();
    ({ root } = await bootstrap(v.url));
    await rawRequest(v.url, "POST", "/v1/secret/data/aws/prod", {
      token: root,
      body: JSON.stringify({ data: { aws_secret_access_key: FAKE_AWS_SECRET_ACCESS_KEY } }),
    });
    dir = mkdtempSync(join(tmpdir(), "bulwark-vault-leaks-"));
    mkdirSync(join(dir, "deploy"));
    writeFileSync(join(dir, "deploy", "github.env"), `GITHUB_TOKEN=${UNMANAGED}\n`);
    writeFileSync(
      join(dir, "deploy", "credentials"),
      `[default]\naws_access_key_id = ${FAKE_AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${FAKE_AWS_SECRET_ACCESS_KEY}\n`,
    );
  }, 1_200_000);
  afterAll(async () => v?.stop());

  const scan = (args: string[]) =>
    runCli([
      "scan",
      ...args,
      "--scanners",
      "secret",
      "--format",
      "json",
      "--vault-leaks",
      "--vault-address",
      v.url,
      "--vault-token",
      root,
    ]);

  it("marks the managed value in a directory scan, first and CRITICAL, and leaves the others", async () => {
    const res = await scan(["fs", dir]);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { findings: Finding[]; summary: { total: number } };
    const leaked = report.findings.filter((f) => f.vaultLeak);
    expect(leaked.length).toBeGreaterThanOrEqual(1);
    expect(report.findings[0]!.vaultLeak).toEqual({
      path: "secret/aws/prod",
      field: "aws_secret_access_key",
      version: 1,
      remediation: "bulwark vault rotate secret/aws/prod",
    });
    expect(report.findings[0]!.severity).toBe("CRITICAL");
    expect(report.findings[0]!.title).toMatch(/^leaked, rotate now: secret\/aws\/prod/);
    expect(report.findings[0]!.file).toContain("credentials");
    // the scan's own finding (its rule id), marked — not a second finding added beside it
    expect(report.findings[0]!.id).not.toBe("vault-leaked-secret");
    // the unmanaged token is still reported, not marked
    const github = report.findings.filter((f) => f.file.includes("github.env"));
    expect(github.length).toBeGreaterThanOrEqual(1);
    expect(github.every((f) => f.vaultLeak === undefined)).toBe(true);
    expect(report.summary.total).toBe(report.findings.length);
    for (const out of [res.stdout, res.stderr]) {
      expect(out).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
      expect(out).not.toContain(UNMANAGED);
    }
  }, 300_000);

  it("marks it in an image scan, with the layer it ships in", async () => {
    const res = await scan(["image", image.ociRef]);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { findings: Array<Finding & { layer?: string }> };
    const first = report.findings[0]!;
    expect(first.vaultLeak?.path).toBe("secret/aws/prod");
    expect(first.file).toContain(".aws/credentials");
    expect(first.layer).toMatch(/^sha256:/);
    expect(first.id).not.toBe("vault-leaked-secret");
    expect(res.stdout).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
  }, 600_000);

  it("without a vault token: one line naming the problem, exit 2", async () => {
    const saved = process.env["VAULT_TOKEN"];
    delete process.env["VAULT_TOKEN"];
    try {
      const res = await runCli([
        "scan",
        "fs",
        dir,
        "--scanners",
        "secret",
        "--vault-leaks",
        "--vault-address",
        v.url,
      ]);
      expect(res.code).toBe(2);
      expect(res.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/no token: give --token or set VAULT_TOKEN/),
      ]);
    } finally {
      if (saved !== undefined) process.env["VAULT_TOKEN"] = saved;
    }
  }, 300_000);
});
