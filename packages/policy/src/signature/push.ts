import { createHash } from "node:crypto";
import { apiHost as apiHostOf } from "../deps.js";
import { PolicyError } from "../errors.js";

export interface PushTarget {
  registry: string;
  repository: string;
  /** Plain HTTP (loopback registries and --insecure). */
  http: boolean;
  /** Basic credentials; token-auth registries are not supported for pushes yet. */
  basic?: { username: string; password: string };
  timeoutMs?: number;
}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function call(
  t: PushTarget,
  method: string,
  url: string,
  body?: Buffer,
  type?: string,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (type) headers["content-type"] = type;
  if (t.basic)
    headers.authorization = `Basic ${Buffer.from(`${t.basic.username}:${t.basic.password}`).toString("base64")}`;
  try {
    return await fetch(url, {
      method,
      headers,
      ...(body ? { body } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(t.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new PolicyError(
      "REGISTRY_GARBAGE",
      `${t.registry}: ${method} ${new URL(url).pathname} failed: ${(e as Error).message}`,
    );
  }
}

function base(t: PushTarget): string {
  return `${t.http ? "http" : "https"}://${apiHostOf(t.registry)}`;
}

/** Monolithic blob upload (POST then PUT ?digest=), skipped when the registry has the blob. */
export async function pushBlob(t: PushTarget, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(data);
  const head = await call(t, "HEAD", `${base(t)}/v2/${t.repository}/blobs/${digest}`);
  if (head.status === 200) return { digest, size: data.length };
  const start = await call(t, "POST", `${base(t)}/v2/${t.repository}/blobs/uploads/`);
  const location = start.headers.get("location");
  if (start.status !== 202 || !location)
    throw new PolicyError("REGISTRY_GARBAGE", `${t.registry}: blob upload refused (HTTP ${start.status})`);
  const url = new URL(location, base(t));
  if (url.origin !== new URL(base(t)).origin)
    throw new PolicyError("REGISTRY_GARBAGE", `${t.registry}: upload location on another host`);
  url.searchParams.set("digest", digest);
  const put = await call(t, "PUT", url.href, data, "application/octet-stream");
  if (put.status !== 201)
    throw new PolicyError("REGISTRY_GARBAGE", `${t.registry}: blob upload failed (HTTP ${put.status})`);
  return { digest, size: data.length };
}

export async function pushManifest(
  t: PushTarget,
  tag: string,
  manifest: Buffer,
  mediaType: string,
): Promise<void> {
  const res = await call(t, "PUT", `${base(t)}/v2/${t.repository}/manifests/${tag}`, manifest, mediaType);
  if (res.status !== 201)
    throw new PolicyError(
      "REGISTRY_GARBAGE",
      `${t.registry}: manifest ${tag} refused (HTTP ${res.status}: ${(await res.text()).slice(0, 200)})`,
    );
}
