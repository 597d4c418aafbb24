/**
 * `bulwark runtime attest`: the agent vouches for what a container is, from the container
 * runtime's own state (runc state, OCI bundle annotations, Docker metadata) — never from
 * anything the container says about itself. The signed attestation lets the workload log in
 * to the vault (`auth/workload/login`) without a pre-shared secret. The agent's Ed25519 key
 * is created on first use (mode 0600); `--print-public-key` prints what the vault must trust.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { ATTESTATION_AUDIENCE, defaultDataDir, signAttestation, type AttestationClaims } from "../deps.js";
import { ContextResolver, cgroupPathOfPid, listRuncStates, type ResolvedContext } from "../context/index.js";
import { HOST_CONTAINER_ID } from "../events/index.js";
import { RuntimeError } from "../errors.js";

interface AttestFlags {
  container?: string;
  pid?: string;
  key?: string;
  ttl: string;
  audience: string;
  printPublicKey?: boolean;
}

/** Loads the agent key, creating it (0600, in a 0700 directory) when the file does not exist. */
export function agentKey(file: string): { privateKey: KeyObject; publicKey: KeyObject } {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (e) {
    throw new RuntimeError(
      "USAGE",
      `--key ${file}: not a readable PEM private key (${(e as Error).message})`,
    );
  }
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new RuntimeError("USAGE", `--key ${file}: must be an Ed25519 key`);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The container a `--container ID` or `--pid PID` names, as the runtime sensor would resolve it. */
export function resolveWorkload(flags: { container?: string; pid?: number }): ResolvedContext {
  const resolver = new ContextResolver();
  let found: ResolvedContext | undefined;
  if (flags.container !== undefined) {
    // through the container's first process, the way the sensor attributes its events
    const state = listRuncStates().find((s) => s.id === flags.container);
    const path = state?.initPid ? cgroupPathOfPid(state.initPid) : undefined;
    found = path ? resolver.fromCgroupPath(path) : undefined;
    if (found && found.container.id !== flags.container) found = undefined;
    if (!found)
      throw new RuntimeError("ATTEST_FAILED", `no running container "${flags.container}" known to runc`);
  } else if (flags.pid !== undefined) {
    const path = cgroupPathOfPid(flags.pid);
    found = path ? resolver.fromCgroupPath(path) : undefined;
    if (!found || found.container.id === HOST_CONTAINER_ID)
      throw new RuntimeError("ATTEST_FAILED", `process ${flags.pid} is not in a known container`);
  } else throw new RuntimeError("USAGE", "give --container ID or --pid PID");
  if (!found.container.imageDigest)
    throw new RuntimeError(
      "ATTEST_FAILED",
      `container ${found.container.id} has no known image digest (no image annotation or umoci.json in its bundle); cannot attest`,
    );
  return found;
}

export function claimsFor(
  ctx: ResolvedContext,
  ttlSeconds: number,
  audience: string,
  now = Date.now(),
): AttestationClaims {
  const iat = Math.floor(now / 1000);
  const c = ctx.container;
  return {
    iss: "bulwark-runtime",
    aud: audience,
    sub: c.id,
    iat,
    exp: iat + ttlSeconds,
    jti: randomUUID(),
    ...(c.imageDigest ? { image_digest: c.imageDigest } : {}),
    ...(c.image ? { image: c.image } : {}),
    ...(ctx.k8s ? { namespace: ctx.k8s.namespace, pod: ctx.k8s.podName } : {}),
    ...(c.runtime ? { runtime: c.runtime } : {}),
  };
}

export function registerAttestCommand(runtime: Command): void {
  runtime
    .command("attest")
    .description(
      "sign what the runtime knows about a container (id, image digest, namespace) for the vault's auth/workload login",
    )
    .option("--container <id>", "the container (runc state id)")
    .option("--pid <pid>", "the container of this host process")
    .option("--key <file>", "agent Ed25519 key, created on first use (default <data-dir>/runtime-agent.key)")
    .option("--ttl <seconds>", "how long the attestation is valid (1-600)", "60")
    .option("--audience <aud>", "who may accept it", ATTESTATION_AUDIENCE)
    .option("--print-public-key", "print the agent's public key (PEM) for auth/workload/config and exit")
    .action((flags: AttestFlags) => {
      const keys = agentKey(flags.key ?? join(defaultDataDir(), "runtime-agent.key"));
      if (flags.printPublicKey) {
        process.stdout.write(keys.publicKey.export({ type: "spki", format: "pem" }).toString());
        return;
      }
      const ttl = Number(flags.ttl);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 600)
        throw new RuntimeError("USAGE", `--ttl: expected whole seconds from 1 to 600, got "${flags.ttl}"`);
      const pid = flags.pid === undefined ? undefined : Number(flags.pid);
      if (pid !== undefined && (!Number.isInteger(pid) || pid <= 0))
        throw new RuntimeError("USAGE", `--pid: expected a process id, got "${flags.pid}"`);
      const ctx = resolveWorkload({
        ...(flags.container ? { container: flags.container } : {}),
        ...(pid ? { pid } : {}),
      });
      process.stdout.write(
        `${signAttestation(claimsFor(ctx, ttl, flags.audience), keys.privateKey, keys.publicKey)}\n`,
      );
    });
}
