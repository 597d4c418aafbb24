/**
 * A value stored in the vault and embedded in a real image (the shared `deletes` test image
 * plants an AWS key pair in a layer): `bulwark vault leaks IMAGE` reports "leaked, rotate now"
 * with the vault path; `bulwark vault rotate PATH` writes a fresh version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/src/testutil/cli.js";
import { buildImage, type BuiltImage } from "../../../testkit/src/fixtures/images.js";
import { FAKE_AWS_SECRET_ACCESS_KEY, recipes } from "../../../testkit/src/fixtures/recipes.js";
import { bootstrap } from "../testing/bootstrap.js";
import { rawRequest } from "../testing/raw.js";
import { startInProcess, type InProcessVault } from "../testing/server.js";

describe("leaked vault values found by a scan", () => {
  let v: InProcessVault;
  let root: string;
  let image: BuiltImage;

  beforeAll(async () => {
    image = await buildImage(recipes.deletes);
    v = await startInProcess();
    ({ root } = await bootstrap(v.url));
    for (const [path, data] of [
      ["aws/prod", { aws_secret_access_key: FAKE_AWS_SECRET_ACCESS_KEY, region: "eu-west-1" }],
      ["unrelated", { password: "not-in-any-image-0123456789" }],
    ] as const)
      await rawRequest(v.url, "POST", `/v1/secret/data/${path}`, {
        token: root,
        body: JSON.stringify({ data }),
      });
  }, 1_200_000);
  afterAll(async () => v?.stop());

  it("reports the vault path of the leaked value, then rotation writes a new version", async () => {
    const res = await runCli([
      "vault",
      "leaks",
      image.ociRef,
      "--address",
      v.url,
      "--token",
      root,
      "--format",
      "json",
    ]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as {
      findings: Array<{ id: string; vaultPath: string; field: string; file: string; title: string }>;
    };
    expect(report.findings.length).toBeGreaterThanOrEqual(1);
    expect(
      report.findings.every((f) => f.vaultPath === "secret/aws/prod" && f.field === "aws_secret_access_key"),
    ).toBe(true);
    expect(report.findings[0]!.file).toContain(".aws/credentials");
    expect(report.findings[0]!.title).toMatch(/^leaked, rotate now: secret\/aws\/prod/);
    expect(res.stdout).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);

    const rot = await runCli([
      "vault",
      "rotate",
      "secret/aws/prod",
      "--field",
      "aws_secret_access_key",
      "--address",
      v.url,
      "--token",
      root,
    ]);
    expect(rot).toMatchObject({
      code: 0,
      stdout: "rotated secret/aws/prod: version 1 -> 2 (fields: aws_secret_access_key)\n",
    });
    const now = await rawRequest(v.url, "GET", "/v1/secret/data/aws/prod", { token: root });
    const data = (now.json?.data as { data: Record<string, string> }).data;
    expect(data["aws_secret_access_key"]).not.toBe(FAKE_AWS_SECRET_ACCESS_KEY);
    expect(data["aws_secret_access_key"]).toHaveLength(FAKE_AWS_SECRET_ACCESS_KEY.length);
    expect(data["region"]).toBe("eu-west-1");
  }, 600_000);

  it("a hash list that is not SHA-256 hex is refused", async () => {
    const res = await rawRequest(v.url, "POST", "/v1/sys/bulwark/leaks", {
      token: root,
      body: JSON.stringify({ hashes: ["plaintext?"] }),
    });
    expect(res).toMatchObject({
      status: 400,
      json: { errors: ["'hashes' must be a list of SHA-256 hex strings"] },
    });
  });
});
