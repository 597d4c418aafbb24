import { createHash } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A minimal OCI distribution client for tests (plain HTTP to a loopback registry): blobs by
 * monolithic upload, manifests by tag or digest. Written here from the distribution spec so
 * that what the tests attach to images is not produced by Bulwark's own push code.
 */
const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export async function putBlob(host: string, repo: string, data: Buffer) {
  const digest = sha(data);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  const location = new URL(start.headers.get("location")!, `http://${host}`);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, { method: "PUT", body: data });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
  return { digest, size: data.length };
}

export async function putManifest(host: string, repo: string, ref: string, manifest: object) {
  const body = Buffer.from(JSON.stringify(manifest));
  const mediaType = (manifest as { mediaType: string }).mediaType;
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
    method: "PUT",
    headers: { "content-type": mediaType },
    body,
  });
  if (res.status !== 201) throw new Error(`manifest ${ref}: HTTP ${res.status} ${await res.text()}`);
  return { mediaType, digest: sha(body), size: body.length };
}

/** An artifact manifest (OCI 1.1: artifactType, empty config, optional subject) with the given layers. */
export async function putArtifact(
  host: string,
  repo: string,
  opts: {
    artifactType: string;
    subject?: string;
    layers: Array<{ mediaType: string; data: Buffer; annotations?: Record<string, string> }>;
    tag?: string;
  },
) {
  const config = await putBlob(host, repo, Buffer.from("{}"));
  const layers = [];
  for (const l of opts.layers)
    layers.push({
      mediaType: l.mediaType,
      ...(await putBlob(host, repo, l.data)),
      annotations: l.annotations,
    });
  const manifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType: opts.artifactType,
    config: { mediaType: "application/vnd.oci.empty.v1+json", ...config },
    layers,
    ...(opts.subject
      ? {
          subject: { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: opts.subject, size: 0 },
        }
      : {}),
  };
  const body = Buffer.from(JSON.stringify(manifest));
  return putManifest(host, repo, opts.tag ?? sha(body), manifest).then((d) => ({
    ...d,
    artifactType: opts.artifactType,
  }));
}

/** An OCI image index listing `descriptors`: the referrers API's answer and the fallback tag's content. */
export function referrersIndex(descriptors: object[]) {
  return { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: descriptors };
}

/**
 * The referrers API for a registry that lacks it (Debian's docker-registry): this front
 * implements only `GET /v2/<name>/referrers/<digest>`, answering from `answers`, and passes
 * every other request through to the real registry.
 */
export async function referrersFront(
  upstream: string,
  answers: Map<string, object[]>,
): Promise<{ host: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const m = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/.exec(req.url ?? "");
    if (m && req.method === "GET") {
      const body = JSON.stringify(referrersIndex(answers.get(`${m[1]}@${m[2]}`) ?? []));
      res.writeHead(200, { "content-type": "application/vnd.oci.image.index.v1+json" });
      return void res.end(body);
    }
    const [host, port] = upstream.split(":");
    const up = request(
      { host, port: Number(port), path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
