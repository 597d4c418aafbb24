import { errorMessage, readBody, type RegistryClient } from "../deps.js";

/**
 * Finding what is attached to an image: signatures, attestations, Sigstore bundles.
 *
 * Two ways exist and both are read. The OCI 1.1 referrers API
 * (`GET /v2/<name>/referrers/<digest>`) lists manifests whose `subject` is the image; a
 * registry without it answers 404, and then the OCI fallback tag `sha256-<hex>` (an index of
 * the same shape that clients maintain) is read instead. cosign's own tag schema
 * (`sha256-<hex>.sig`, `sha256-<hex>.att`) is read on every registry, because cosign writes
 * those tags by default even where the referrers API exists.
 */
export const COSIGN_SIGNATURE_ARTIFACT = "application/vnd.dev.cosign.artifact.sig.v1+json";
export const DSSE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
/** The Sigstore bundle artifact types (0.1–0.3 as cosign and sigstore-js attach them). */
export const SIGSTORE_BUNDLE =
  /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.\d+\+json|\+json;version=0\.\d+)$/;

export interface LayerDescriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  annotations?: Record<string, string>;
}

/** One attached manifest, read and checked to belong to the image. */
export interface Referrer {
  /** Digest of the attached manifest, or the tag it was read from. */
  source: string;
  /** The manifest's artifactType (or config media type; `.sig`/`.att` tags get cosign's kind). */
  artifactType: string;
  layers: LayerDescriptor[];
  via: "referrers-api" | "fallback-tag" | "cosign-tag";
}

export interface Discovery {
  /** Whether the registry answered the referrers API (false: it lacks it, the fallback tag was read). */
  referrersApi: boolean;
  referrers: Referrer[];
  /** Attached manifests skipped as unreadable or not naming the image. */
  problems: string[];
}

const MAX_REFERRERS = 64;
const MAX_INDEX_BYTES = 4 * 1024 * 1024;
const HEX_DIGEST = /^sha256:[0-9a-f]{64}$/;

const isMissing = (e: unknown) => (e as { code?: string }).code === "MANIFEST_MISSING";

interface ManifestJson {
  artifactType?: unknown;
  config?: { mediaType?: unknown };
  subject?: { digest?: unknown };
  layers?: unknown;
  manifests?: unknown;
}

function parseJson(data: Buffer): ManifestJson | undefined {
  try {
    const v: unknown = JSON.parse(data.toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as ManifestJson) : undefined;
  } catch {
    return undefined;
  }
}

function layersOf(m: ManifestJson): LayerDescriptor[] {
  return Array.isArray(m.layers)
    ? (m.layers as unknown[]).filter((l): l is LayerDescriptor => typeof l === "object" && l !== null)
    : [];
}

/** The descriptors of a referrers index (API answer or fallback tag); undefined when it is not one. */
function indexDescriptors(data: Buffer): string[] | undefined {
  const index = parseJson(data);
  if (!index || !Array.isArray(index.manifests)) return undefined;
  return (index.manifests as Array<{ digest?: unknown }>)
    .map((d) => d?.digest)
    .filter((d): d is string => typeof d === "string" && HEX_DIGEST.test(d));
}

/** The referrers API's answer, or undefined when the registry lacks the API (404). */
async function referrersIndex(client: RegistryClient, digest: string): Promise<string[] | undefined> {
  const what = `referrers of ${digest}`;
  let data: Buffer;
  try {
    const res = await client.get(
      `/v2/${client.repository}/referrers/${digest}`,
      what,
      "application/vnd.oci.image.index.v1+json",
    );
    data = await readBody(res, MAX_INDEX_BYTES, what);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  // A registry that routes the path to something else (an HTML page, another JSON) lacks the API.
  return indexDescriptors(data);
}

/** The OCI fallback tag `sha256-<hex>`: an index of referrers kept by clients. */
async function fallbackIndex(client: RegistryClient, digest: string): Promise<string[]> {
  try {
    return indexDescriptors((await client.manifest(digest.replace(":", "-"))).data) ?? [];
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

async function readReferrer(
  client: RegistryClient,
  imageDigest: string,
  ref: string,
  via: Referrer["via"],
  out: Discovery,
): Promise<void> {
  let data: Buffer;
  try {
    data = (await client.manifest(ref)).data;
  } catch (e) {
    if (isMissing(e) && via === "cosign-tag") return; // no such tag: nothing attached that way
    out.problems.push(`attached manifest ${ref}: ${errorMessage(e)}`);
    return;
  }
  const m = parseJson(data);
  if (!m) return void out.problems.push(`attached manifest ${ref} is not JSON`);
  // A referrer must name the image as its subject: a registry (or a fallback index someone
  // pushed) listing another image's artifacts must not lend them to this one.
  if (via !== "cosign-tag" && m.subject?.digest !== imageDigest)
    return void out.problems.push(`attached manifest ${ref} names another subject`);
  const declared = typeof m.artifactType === "string" ? m.artifactType : m.config?.mediaType;
  const artifactType = ref.endsWith(".sig")
    ? COSIGN_SIGNATURE_ARTIFACT
    : ref.endsWith(".att")
      ? DSSE_MEDIA_TYPE
      : typeof declared === "string"
        ? declared
        : "";
  out.referrers.push({ source: ref, artifactType, layers: layersOf(m), via });
}

/** Everything attached to `digest` in the client's repository, by every discovery route. */
export async function discoverReferrers(client: RegistryClient, digest: string): Promise<Discovery> {
  const out: Discovery = { referrersApi: true, referrers: [], problems: [] };
  let listed = await referrersIndex(client, digest);
  if (listed === undefined) {
    out.referrersApi = false;
    listed = await fallbackIndex(client, digest);
  }
  const via = out.referrersApi ? "referrers-api" : "fallback-tag";
  for (const d of [...new Set(listed)].slice(0, MAX_REFERRERS))
    await readReferrer(client, digest, d, via, out);
  const tag = digest.replace(":", "-");
  await readReferrer(client, digest, `${tag}.sig`, "cosign-tag", out);
  await readReferrer(client, digest, `${tag}.att`, "cosign-tag", out);
  return out;
}
