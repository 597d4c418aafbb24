/**
 * Workload identities end to end: a real runc container whose bundle names its image digest,
 * `bulwark runtime attest` (the real CLI, a child process) signing what runc's state says about
 * it, and the real npm Vault client node-vault logging in at auth/workload/login with that
 * attestation — no pre-shared secret. The token reads what the role's policy allows and nothing
 * else; a replayed, tampered, foreign-key or wrong-image attestation is refused.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import nodeVault from "node-vault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "../testing/bootstrap.js";
import { startInProcess, type InProcessVault } from "../testing/server.js";

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const bin = join(repoRoot, "packages/cli/src/bin.ts");
const canRun = existsSync("/usr/sbin/runc") && process.getuid?.() === 0;
const digest = (): string => `sha256:${randomBytes(32).toString("hex")}`;
const VALUE = `wl-plain-${Date.now()}-Zt`;

/** The CLI as a child process (async: the vault in this process must keep serving). */
async function cli(args: string[]): Promise<string> {
  return (await run(process.execPath, ["--import", "tsx", bin, ...args], { cwd: repoRoot })).stdout;
}

async function refusal(p: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { message: string; response?: { statusCode?: number } };
    return { status: err.response?.statusCode, message: err.message };
  }
  throw new Error("expected a refusal");
}

describe.skipIf(!canRun)(
  "workload identity: runtime attest + auth/workload login (needs runc and root)",
  () => {
    const id = `bulwark-wl-${process.pid}`;
    const image = digest();
    let work: string;
    let v: InProcessVault;
    let anon: ReturnType<typeof nodeVault>;
    const key = (): string => join(work, "agent.key");

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), "bulwark-workload-"));
      const bundle = join(work, "bundle");
      mkdirSync(join(bundle, "rootfs"), { recursive: true });
      await run("runc", ["spec", "--bundle", bundle]);
      const config = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as {
        process: { terminal: boolean; args: string[] };
        mounts: unknown[];
        annotations?: Record<string, string>;
      };
      config.process.terminal = false;
      config.process.args = ["/bin/sleep", "1000"];
      // the host's read-only /usr etc. give the (never started) process something to exec
      for (const d of ["/bin", "/lib", "/lib64", "/usr"])
        if (existsSync(d))
          config.mounts.push({ destination: d, type: "bind", source: d, options: ["rbind", "ro"] });
      config.annotations = {
        "org.opencontainers.image.manifest.digest": image,
        "org.opencontainers.image.ref.name": "example/app:1",
      };
      writeFileSync(join(bundle, "config.json"), JSON.stringify(config));
      // created, not started: runc's state and the container's cgroup exist, which is all attest reads
      // stdio ignored: runc's init process would hold captured pipes open until the container ends
      const created = spawn("runc", ["create", "--bundle", bundle, id], { stdio: "ignore" });
      const code = await new Promise<number | null>((r) => created.on("exit", r));
      if (code !== 0) throw new Error(`runc create exited ${code}`);

      v = await startInProcess();
      const { root: rootToken } = await bootstrap(v.url);
      const root = nodeVault({ endpoint: v.url, token: rootToken });
      anon = nodeVault({ endpoint: v.url });
      await root.write("secret/data/app/db", { data: { password: VALUE } });
      await root.write("secret/data/other/x", { data: { password: "other-value-123" } });
      await root.addPolicy({
        name: "app-read",
        rules: 'path "secret/data/app/*" { capabilities = ["read"] }',
      });
      await root.enableAuth({ mount_point: "workload", type: "workload" });
      const pem = await cli(["runtime", "attest", "--key", key(), "--print-public-key"]);
      await root.write("auth/workload/config", { agent_public_keys: [pem] });
      await root.write("auth/workload/role/app", {
        bound_image_digests: [image],
        token_policies: ["app-read"],
        token_ttl: "5m",
      });
      await root.write("auth/workload/role/elsewhere", {
        bound_image_digests: [digest()],
        token_policies: ["app-read"],
      });
    }, 300_000);

    afterAll(async () => {
      await run("runc", ["delete", "--force", id]).catch(() => undefined);
      await v?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it("logs in with an attestation and gets a short-lived token bound to the image's policy", async () => {
      const attestation = (await cli(["runtime", "attest", "--container", id, "--key", key()])).trim();
      const login = (await anon.write("auth/workload/login", { role: "app", attestation })) as {
        auth: {
          client_token: string;
          lease_duration: number;
          policies: string[];
          metadata: Record<string, string>;
        };
      };
      expect(login.auth.lease_duration).toBe(300);
      expect(login.auth.policies).toEqual(["app-read", "default"]);
      expect(login.auth.metadata).toMatchObject({
        container_id: id,
        image_digest: image,
        workload_role: "app",
      });

      const workload = nodeVault({ endpoint: v.url, token: login.auth.client_token });
      expect((await workload.read("secret/data/app/db")).data.data.password).toBe(VALUE);
      expect((await refusal(workload.read("secret/data/other/x"))).status).toBe(403);

      // the same attestation again: refused, each one is good for one login
      const replay = await refusal(anon.write("auth/workload/login", { role: "app", attestation }));
      expect(replay).toMatchObject({ status: 403, message: expect.stringMatching(/already used/) });
    }, 120_000);

    it("refuses another image's role, a tampered attestation and an untrusted agent key", async () => {
      const fresh = async (k = key()): Promise<string> =>
        (await cli(["runtime", "attest", "--container", id, "--key", k])).trim();
      const wrongRole = await refusal(
        anon.write("auth/workload/login", { role: "elsewhere", attestation: await fresh() }),
      );
      expect(wrongRole).toMatchObject({
        status: 403,
        message: expect.stringMatching(/not bound to this role/),
      });

      const [h, c, s] = (await fresh()).split(".") as [string, string, string];
      const claims = JSON.parse(Buffer.from(c, "base64url").toString()) as Record<string, unknown>;
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, image_digest: image, sub: "someone-else" })).toString("base64url")}.${s}`;
      const tampered = await refusal(anon.write("auth/workload/login", { role: "app", attestation: forged }));
      expect(tampered).toMatchObject({
        status: 403,
        message: expect.stringMatching(/signature does not verify/),
      });

      const foreign = await refusal(
        anon.write("auth/workload/login", {
          role: "app",
          attestation: await fresh(join(work, "other-agent.key")),
        }),
      );
      expect(foreign).toMatchObject({ status: 403, message: expect.stringMatching(/does not trust/) });

      const garbage = await refusal(
        anon.write("auth/workload/login", { role: "app", attestation: "not.a.jws!" }),
      );
      expect(garbage.status).toBe(403);
      expect((await refusal(anon.write("auth/workload/login", { role: "app" }))).status).toBe(400);
    }, 120_000);
  },
);
