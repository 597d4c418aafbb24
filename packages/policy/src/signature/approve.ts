import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { errorMessage, findCredentials, isLoopbackHost, RegistryClient } from "../deps.js";
import { PolicyError } from "../errors.js";
import type { RegistryAccess } from "./registry-access.js";
import { signatureTag } from "./cosign.js";
import { pushBlob, pushManifest, type PushTarget } from "./push.js";
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, simpleSigningPayload } from "./simple-signing.js";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
// cosign's signature images carry an empty JSON config.
const EMPTY_CONFIG = Buffer.from("{}");

/**
 * The organisation's signing key: `env:NAME` reads a PEM from the environment, anything
 * else is a file. The key never appears in messages, only where it came from.
 */
export function loadSigningKey(spec: string): { key: KeyObject; source: string } {
  let pem: string | undefined;
  const source = spec.startsWith("env:") ? `environment variable ${spec.slice(4)}` : spec;
  try {
    pem = spec.startsWith("env:") ? process.env[spec.slice(4)] : readFileSync(spec, "utf8");
  } catch {
    throw new PolicyError("SIGNATURE_INVALID", `--key: cannot read ${source}`);
  }
  if (!pem) throw new PolicyError("SIGNATURE_INVALID", `--key: ${source} is empty or not set`);
  try {
    const key = createPrivateKey(pem);
    if (!["ec", "ed25519", "rsa"].includes(String(key.asymmetricKeyType))) throw new Error("type");
    return { key, source };
  } catch {
    throw new PolicyError(
      "SIGNATURE_INVALID",
      `--key: ${source} is not an unencrypted PEM private key (ECDSA P-256, Ed25519 or RSA)`,
    );
  }
}

/** Sign `registry/repository@digest` cosign-style and push the signature (appended to any already there). */
export async function approveDigest(
  registry: string,
  repository: string,
  digest: string,
  key: KeyObject,
  access: RegistryAccess,
): Promise<void> {
  const payload = simpleSigningPayload(`${registry}/${repository}`, digest);
  const signature = sign(key.asymmetricKeyType === "ed25519" ? null : "sha256", payload, key).toString(
    "base64",
  );
  const creds = findCredentials(registry, access);
  const target: PushTarget = {
    registry,
    repository,
    http: Boolean(access.insecure) || isLoopbackHost(registry),
    ...(creds ? { basic: creds } : {}),
  };
  const tag = signatureTag(digest);
  const layers = await existingLayers(registry, repository, tag, access);
  const layer = await pushBlob(target, payload);
  if (!layers.some((l) => l.digest === layer.digest && l.annotations?.[SIGNATURE_ANNOTATION] === signature))
    layers.push({
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      ...layer,
      annotations: { [SIGNATURE_ANNOTATION]: signature },
    });
  const config = await pushBlob(target, EMPTY_CONFIG);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
    layers,
  };
  await pushManifest(target, tag, Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST);
}

interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

async function existingLayers(
  registry: string,
  repository: string,
  tag: string,
  access: RegistryAccess,
): Promise<Layer[]> {
  try {
    const { data } = await new RegistryClient(registry, repository, {
      creds: findCredentials(registry, access),
      insecure: access.insecure,
      ca: access.ca,
    }).manifest(tag);
    const layers = (JSON.parse(data.toString()) as { layers?: Layer[] }).layers;
    return Array.isArray(layers) ? layers.filter((l) => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE) : [];
  } catch (e) {
    if ((e as { code?: string }).code === "MANIFEST_MISSING") return [];
    throw new PolicyError("REGISTRY_GARBAGE", `${registry}/${repository}:${tag}: ${errorMessage(e)}`);
  }
}
