import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferFile, offer } from "../testutil/testing.js";
import { cached, run } from "../testutil/testcache.js";
import { packagesOf, walkDir } from "../testutil/testwalk.js";
import { npmAnalyzer, npmLicenses } from "./npm.js";

/**
 * A real project installed from the npm registry: nested node_modules (debug@2.6.9 needs
 * ms@2.0.0 while the project wants ms@2.1.3), a scoped package and a workspace member;
 * and a real global install under a --prefix.
 */
function project(): { app: string; prefix: string } {
  const dir = cached("npm-project-v1", (work) => {
    const app = join(work, "app");
    mkdirSync(join(app, "packages/ws-a"), { recursive: true });
    const manifest = {
      name: "app",
      version: "0.0.1",
      private: true,
      workspaces: ["packages/*"],
      dependencies: { debug: "2.6.9", ms: "2.1.3", "@types/semver": "7.5.8", "ws-a": "*" },
    };
    writeFileSync(join(app, "package.json"), JSON.stringify(manifest));
    writeFileSync(
      join(app, "packages/ws-a/package.json"),
      JSON.stringify({ name: "ws-a", version: "1.0.0", license: "MIT" }),
    );
    run("npm", ["install", "--silent", "--no-audit", "--no-fund", "--ignore-scripts"], app);
    run(
      "npm",
      [
        "install",
        "--silent",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "-g",
        "--prefix",
        join(work, "global"),
        "ms@2.1.2",
      ],
      work,
    );
  });
  return { app: join(dir, "app"), prefix: join(dir, "global") };
}

describe("npm analyzer on a real npm install", () => {
  const { app, prefix } = project();

  it("finds exactly the packages npm query reports, at their package.json", async () => {
    const ours = packagesOf(await walkDir(npmAnalyzer, app, "/srv/app"))
      .map((p) => `${p.name}@${p.version} ${p.locations[0]?.path}`)
      .sort();
    const nodes = JSON.parse(run("npm", ["query", "*"], app)) as Array<{
      name: string;
      version: string;
      location: string;
      realpath: string;
    }>;
    const theirs = nodes
      .filter((n) => n.location !== "")
      .map((n) => `${n.name}@${n.version} /srv/app/${n.realpath.slice(app.length + 1)}/package.json`)
      .sort();
    expect(theirs).toContain("ms@2.0.0 /srv/app/node_modules/debug/node_modules/ms/package.json");
    expect(theirs).toContain("ws-a@1.0.0 /srv/app/packages/ws-a/package.json");
    expect(theirs).toContain("@types/semver@7.5.8 /srv/app/node_modules/@types/semver/package.json");
    expect(ours).toEqual(theirs);
  });

  it("reads licenses and marks workspace members", async () => {
    const pkgs = packagesOf(await walkDir(npmAnalyzer, app, "/srv/app"));
    expect(pkgs.find((p) => p.name === "debug")?.licenses).toEqual(["MIT"]);
    expect(pkgs.find((p) => p.name === "ws-a")).toMatchObject({
      type: "npm",
      purl: "",
      licenses: ["MIT"],
      metadata: { workspace: true },
    });
  });

  it("finds globally installed modules", async () => {
    const pkgs = packagesOf(await walkDir(npmAnalyzer, join(prefix, "lib"), "/usr/local/lib"));
    expect(pkgs.map((p) => `${p.name}@${p.version} ${p.locations[0]?.path}`)).toEqual([
      "ms@2.1.2 /usr/local/lib/node_modules/ms/package.json",
    ]);
  });
});

describe("npm manifests", () => {
  it("skips helper package.json files and non-root paths", async () => {
    expect(npmAnalyzer.wants("/a/node_modules/x/lib/package.json", { size: 10, mode: 0o100644 })).toBe(false);
    expect(npmAnalyzer.wants("/a/package.json", { size: 10, mode: 0o100644 })).toBe(false);
    expect(npmAnalyzer.wants("/a/node_modules/@s/x/package.json", { size: 10, mode: 0o100644 })).toBe(true);
    expect(
      await offer(npmAnalyzer, bufferFile("/a/node_modules/x/package.json", '{"type":"module"}')),
    ).toBeUndefined();
  });

  it("accepts the old license forms", () => {
    expect(npmLicenses({ license: { type: "ISC" } })).toEqual(["ISC"]);
    expect(npmLicenses({ licenses: [{ type: "MIT" }, "Apache-2.0"] })).toEqual(["MIT", "Apache-2.0"]);
  });

  it("reports broken JSON as PARSE", async () => {
    await expect(
      offer(npmAnalyzer, bufferFile("/a/node_modules/x/package.json", "{nope")),
    ).rejects.toMatchObject({ code: "PARSE" });
  });
});
