import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skopeo } from "./deps.js";

/**
 * An independent cosign-format signer for tests: `openssl` makes the keys and the
 * signature, this file writes the OCI layout by hand (cosign's layout: one simple-signing
 * layer carrying the signature annotation) and `skopeo` pushes it to the
 * `sha256-<hex>.sig` tag. No Bulwark code takes part in producing the signature.
 */
export type KeyKind = "ecdsa" | "ed25519" | "rsa";

export function opensslKeyPair(
  dir: string,
  name: string,
  kind: KeyKind = "ecdsa",
): { key: string; pub: string } {
  const key = join(dir, `${name}.key`);
  const pub = join(dir, `${name}.pub`);
  const gen =
    kind === "ecdsa"
      ? ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
      : kind === "ed25519"
        ? ["genpkey", "-algorithm", "ED25519"]
        : ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"];
  execFileSync("openssl", [...gen, "-out", key], { stdio: "ignore" });
  execFileSync("openssl", ["pkey", "-in", key, "-pubout", "-out", pub], { stdio: "ignore" });
  return { key, pub };
}

/** The simple-signing payload as cosign writes it, built here from the format, not from Bulwark. */
export function cosignPayload(repo: string, digest: string): Buffer {
  return Buffer.from(
    `{"critical":{"identity":{"docker-reference":"${repo}"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
  );
}

export function opensslSign(keyFile: string, kind: KeyKind, payload: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-sign-"));
  const file = join(dir, "payload");
  writeFileSync(file, payload);
  const sig = join(dir, "sig");
  const args =
    kind === "ed25519"
      ? ["pkeyutl", "-sign", "-rawin", "-inkey", keyFile, "-in", file, "-out", sig]
      : ["dgst", "-sha256", "-sign", keyFile, "-out", sig, file];
  execFileSync("openssl", args, { stdio: "ignore" });
  return readFileSync(sig).toString("base64");
}

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

function putBlob(layout: string, data: Buffer): { digest: string; size: number } {
  const digest = sha(data);
  writeFileSync(join(layout, "blobs", "sha256", digest.slice(7)), data);
  return { digest, size: data.length };
}

/** Write a cosign signature image (payload + annotation) as an OCI layout and push it with skopeo. */
export async function pushCosignSignature(opts: {
  registry: string;
  repo: string;
  digest: string;
  payload: Buffer;
  signatureB64: string;
  annotation?: string;
  mediaType?: string;
  /** More layer annotations (a keyless signature's certificate, Rekor bundle, timestamp). */
  annotations?: Record<string, string>;
}): Promise<void> {
  const layout = mkdtempSync(join(tmpdir(), "bulwark-sig-layout-"));
  mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(layout, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  const config = putBlob(
    layout,
    Buffer.from('{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":[]}}'),
  );
  const layer = putBlob(layout, opts.payload);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: [
        {
          mediaType: opts.mediaType ?? "application/vnd.dev.cosign.simplesigning.v1+json",
          ...layer,
          annotations: {
            ...opts.annotations,
            [opts.annotation ?? "dev.cosignproject.cosign/signature"]: opts.signatureB64,
          },
        },
      ],
    }),
  );
  const m = putBlob(layout, manifest);
  const tag = `${opts.digest.replace(":", "-")}.sig`;
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...m,
          annotations: { "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  await skopeo([
    "copy",
    "--preserve-digests",
    "--dest-tls-verify=false",
    `oci:${layout}:${tag}`,
    `docker://${opts.registry}/${opts.repo}:${tag}`,
  ]);
}
