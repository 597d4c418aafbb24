import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { linesAnalyzer } from "../../../testkit/src/walker/layers.js";
import { walkImage } from "../../../scanner/src/walker/walk.js";
import { openImage } from "../open.js";
import type { OpenImageOptions, Image } from "../../../model/src/image.js";
import { buildTwoPlatformLayout, skopeo } from "../../../testkit/src/image/umoci.js";
import { selfSignedCert } from "../../../testkit/src/registry/cert.js";
import { RegistryClient } from "./client.js";
import {
  freePort,
  startBlobHost,
  startRegistry,
  type RunningRegistry,
} from "../../../testkit/src/registry/registry.js";
import { startTokenServer, type TokenServer } from "../../../testkit/src/registry/token.js";
import { missingTools } from "../../../testkit/src/tools.js";

// A real registry (Debian's docker-registry) on loopback, real images built with umoci and
// pushed with skopeo. Three registries: anonymous; htpasswd Basic auth whose blob GETs
// redirect to another host (distribution's redirect middleware); Bearer token auth.
const TOOLS = ["docker-registry", "skopeo", "umoci", "htpasswd", "openssl"];
const missing = missingTools(TOOLS);

const USER = "alice";
const PASS = "s3cret-pw";

let work: string;
let layout: string;
let anon: RunningRegistry;
let basic: RunningRegistry;
let tokenReg: RunningRegistry;
let tlsReg: RunningRegistry;
let blobHost: Awaited<ReturnType<typeof startBlobHost>>;
let tokens: TokenServer;
let httpTokens: TokenServer;
let httpTokenReg: RunningRegistry;
let cacheDir: string;

async function push(src: string, dest: string, creds?: boolean, all = false) {
  const args = ["copy", "--dest-tls-verify=false"];
  if (creds) args.push("--dest-creds", `${USER}:${PASS}`);
  if (all) args.push("--all");
  await skopeo([...args, `oci:${layout}:${src}`, `docker://${dest}`]);
}

describe.skipIf(missing.length > 0)(
  `registry pulls${missing.length ? ` (skipped: ${missing.join(", ")} not installed)` : ""}`,
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "bulwark-registry-"));
      layout = join(work, "layout");
      await buildTwoPlatformLayout(
        layout,
        [
          { files: { "/app/a.pkgs": "alpha 1.0\n" }, createdBy: "COPY a" },
          { files: { "/app/b.pkgs": "beta 2.0\n" }, createdBy: "COPY b" },
        ],
        work,
      );
      const dirs = ["anon", "basic", "token", "tls", "token-http"].map((d) => join(work, d));
      await Promise.all(dirs.map((d) => mkdir(d)));
      anon = await startRegistry({ dir: dirs[0] as string });
      blobHost = await startBlobHost(join(dirs[1] as string, "storage"));
      const htpasswd = execFileSync("htpasswd", ["-Bbn", USER, PASS]).toString();
      basic = await startRegistry({ dir: dirs[1] as string, htpasswd, redirectTo: blobHost.base });
      tokens = await startTokenServer(dirs[2] as string, USER, PASS);
      tokenReg = await startRegistry({ dir: dirs[2] as string, token: tokens });
      // A registry whose token realm is plain HTTP on the same host, another port.
      httpTokens = await startTokenServer(dirs[4] as string, USER, PASS, { https: false });
      httpTokenReg = await startRegistry({ dir: dirs[4] as string, token: httpTokens });
      const tls = selfSignedCert(dirs[3] as string, "registry", "127.0.0.1");
      tlsReg = await startRegistry({ dir: dirs[3] as string, htpasswd, tls });
      await push("v1", `${anon.host}/app:1`);
      await push("v1", `${tlsReg.host}/app:1`, true);
      await push("multi", `${anon.host}/multi:1`, false, true);
      await push("v1", `${basic.host}/team/app:1`, true);
      await push("v1", `${tokenReg.host}/team/app:1`, true);
    });

    afterAll(async () => {
      await Promise.all([
        anon?.stop(),
        basic?.stop(),
        tokenReg?.stop(),
        tlsReg?.stop(),
        blobHost?.stop(),
        tokens?.stop(),
        httpTokenReg?.stop(),
        httpTokens?.stop(),
      ]);
      await rm(work, { recursive: true, force: true });
    });

    const saved = { home: process.env.HOME, cwd: process.cwd(), dockerConfig: process.env.DOCKER_CONFIG };
    let home: string;
    let cwd: string;
    beforeEach(async () => {
      cacheDir = await mkdtemp(join(work, "cache-"));
      home = await mkdtemp(join(work, "home-"));
      cwd = await mkdtemp(join(work, "cwd-"));
      process.env.HOME = home;
      delete process.env.DOCKER_CONFIG;
      process.chdir(cwd);
    });
    afterEach(async () => {
      process.chdir(saved.cwd);
      process.env.HOME = saved.home;
      if (saved.dockerConfig === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = saved.dockerConfig;
      expect(await readdir(home)).toEqual([]);
      expect(await readdir(cwd)).toEqual([]);
    });

    async function packages(image: Image): Promise<string[]> {
      const layers = await walkImage(image, [linesAnalyzer()], { cacheDir, noCache: true });
      return layers.flatMap((l) =>
        l.results.flatMap((r) => r.output.packages?.map((p) => `${p.name}@${p.version}`) ?? []),
      );
    }

    const open = (target: string, opts: Partial<OpenImageOptions> = {}) =>
      openImage(target, { cacheDir, ...opts });

    it("pulls an image anonymously over plain HTTP from a loopback registry, by tag and by digest", async () => {
      const image = await open(`${anon.host}/app:1`);
      expect(image).toMatchObject({
        source: "registry",
        repoTags: [`${anon.host}/app:1`],
        config: { architecture: "amd64" },
      });
      expect(image.layers.map((l) => l.createdBy)).toEqual(["COPY a", "COPY b"]);
      expect(await packages(image)).toEqual(["alpha@1.0", "beta@2.0"]);
      expect(image.repoDigests).toEqual([`${anon.host}/app@${image.digest}`]);
      const byDigest = await open(`${anon.host}/app@${image.digest}`);
      expect(byDigest.configDigest).toBe(image.configDigest);
      expect(await packages(byDigest)).toEqual(["alpha@1.0", "beta@2.0"]);
    });

    it("selects the platform from a multi-platform index pushed with skopeo --all", async () => {
      const amd = await open(`${anon.host}/multi:1`);
      expect(amd.config.architecture).toBe("amd64");
      expect(await packages(amd)).toEqual(["alpha@1.0", "beta@2.0"]);
      const arm = await open(`${anon.host}/multi:1`, { platform: "linux/arm64/v8" });
      expect(arm.config.architecture).toBe("arm64");
      expect(await packages(arm)).toEqual(["armonly@1"]);
      expect(arm.repoDigests[0]).toBe(amd.repoDigests[0]); // the index digest, as docker reports it
      expect(arm.digest).not.toBe(amd.digest);
      await expect(open(`${anon.host}/multi:1`, { platform: "linux/riscv64" })).rejects.toMatchObject({
        code: "PLATFORM_NOT_FOUND",
      });
    });

    it("reports a missing tag or repository as MANIFEST_MISSING and a dead port as NETWORK", async () => {
      await expect(open(`${anon.host}/app:nope`)).rejects.toMatchObject({
        code: "MANIFEST_MISSING",
        message: expect.stringContaining("manifest nope"),
      });
      await expect(open(`${anon.host}/nosuch/repo:1`)).rejects.toMatchObject({ code: "MANIFEST_MISSING" });
      const dead = await freePort();
      await expect(open(`127.0.0.1:${dead}/app:1`)).rejects.toMatchObject({ code: "NETWORK" });
    });

    it("Basic auth: refuses without or with wrong credentials, pulls with --username/--password", async () => {
      await expect(open(`${basic.host}/team/app:1`)).rejects.toMatchObject({ code: "REGISTRY_AUTH" });
      await expect(
        open(`${basic.host}/team/app:1`, { username: USER, password: "wrong" }),
      ).rejects.toMatchObject({
        code: "REGISTRY_AUTH",
        message: expect.stringContaining("credentials rejected"),
      });
      const image = await open(`${basic.host}/team/app:1`, { username: USER, password: PASS });
      expect(await packages(image)).toEqual(["alpha@1.0", "beta@2.0"]);
    });

    it("never forwards credentials when a blob download redirects to another host", async () => {
      blobHost.requests.length = 0;
      const image = await open(`${basic.host}/team/app:1`, { username: USER, password: PASS });
      await packages(image);
      const layerGets = blobHost.requests.filter((r) =>
        image.layers.some((l) => r.url.includes((l.digest ?? "").slice(7))),
      );
      expect(layerGets).toHaveLength(2);
      expect(blobHost.requests.length).toBeGreaterThanOrEqual(3); // config blob too
      expect(blobHost.requests.filter((r) => r.authorization !== undefined)).toEqual([]);
    });

    it("reads credentials from a docker config.json (explicit path and $DOCKER_CONFIG), only for their host", async () => {
      const auth = Buffer.from(`${USER}:${PASS}`).toString("base64");
      const cfgDir = await mkdtemp(join(work, "docker-"));
      const file = join(cfgDir, "config.json");
      await writeFile(
        file,
        JSON.stringify({ auths: { [`http://${basic.host}`]: { auth }, "ghcr.io": { auth: "eDp5" } } }),
      );
      expect(await packages(await open(`${basic.host}/team/app:1`, { dockerConfig: file }))).toHaveLength(2);
      process.env.DOCKER_CONFIG = cfgDir;
      expect(await packages(await open(`${basic.host}/team/app:1`))).toHaveLength(2);
      await writeFile(
        file,
        JSON.stringify({ auths: { "other.example:5000": { username: USER, password: PASS } } }),
      );
      await expect(open(`${basic.host}/team/app:1`)).rejects.toMatchObject({ code: "REGISTRY_AUTH" });
      await writeFile(file, "{not json");
      await expect(open(`${basic.host}/team/app:1`)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    });

    it("speaks HTTPS with a self-signed certificate to a loopback registry (Basic auth over TLS)", async () => {
      const image = await open(`${tlsReg.host}/app:1`, { username: USER, password: PASS });
      expect(await packages(image)).toEqual(["alpha@1.0", "beta@2.0"]);
      await expect(open(`${tlsReg.host}/app:1`)).rejects.toMatchObject({ code: "REGISTRY_AUTH" });
      // HTTPS stays HTTPS; a plain-HTTP loopback registry is reached by falling back.
      const overTls = new RegistryClient(tlsReg.host, "app", { creds: { username: USER, password: PASS } });
      await overTls.manifest("1");
      expect(overTls.baseUrl).toBe(`https://${tlsReg.host}`);
      const plain = new RegistryClient(anon.host, "app");
      await plain.manifest("1");
      expect(plain.baseUrl).toBe(`http://${anon.host}`);
    });

    it("Bearer token auth: gets a token from the realm with the credentials, and fails cleanly without", async () => {
      tokens.requests.length = 0;
      const image = await open(`${tokenReg.host}/team/app:1`, {
        username: USER,
        password: PASS,
        caFile: tokens.certFile,
      });
      expect(await packages(image)).toEqual(["alpha@1.0", "beta@2.0"]);
      expect(tokens.requests.map((r) => r.scope)).toEqual(["repository:team/app:pull"]);
      expect(tokens.requests[0]?.authorization).toMatch(/^Basic /);
      await expect(open(`${tokenReg.host}/team/app:1`)).rejects.toMatchObject({
        code: "REGISTRY_AUTH",
        message: expect.stringContaining("refused the anonymous request"),
      });
    });

    it("never sends credentials to a token realm over plain HTTP, even on the registry's own host", async () => {
      httpTokens.requests.length = 0;
      for (const insecure of [false, true]) {
        await expect(
          open(`${httpTokenReg.host}/team/app:1`, { username: USER, password: PASS, insecure }),
        ).rejects.toMatchObject({
          code: "REGISTRY_AUTH",
          message: expect.stringContaining(`refusing to send credentials to token realm ${httpTokens.realm}`),
        });
      }
      expect(httpTokens.requests).toEqual([]);
    });

    it("never sends credentials to a token realm whose certificate does not verify, --insecure or not", async () => {
      tokens.requests.length = 0;
      for (const insecure of [false, true]) {
        await expect(
          open(`${tokenReg.host}/team/app:1`, { username: USER, password: PASS, insecure }),
        ).rejects.toMatchObject({
          code: "REGISTRY_AUTH",
          message: expect.stringMatching(/refusing to send credentials .* certificate does not verify/),
        });
      }
      // The TLS handshake failed, so the token service never saw a request at all.
      expect(tokens.requests).toEqual([]);
    });
  },
);
