import type { Readable } from "node:stream";
import { BulwarkError } from "@bulwark/model";
import { DigestVerifier, sha256Digest, verifyBuffer } from "../digest.js";
import { MANIFEST_ACCEPT } from "../mediatypes.js";
import { apiHost, isLoopbackHost } from "../reference.js";
import { basicAuth, fetchBearerToken, parseChallenge } from "./auth.js";
import type { Credentials } from "./credentials.js";
import {
  defaultTimeoutMs,
  totalDeadlineMs,
  discard,
  httpRequest,
  isTlsProtocolError,
  readBody,
  type HttpResponse,
} from "./http.js";

export interface RegistryClientOptions {
  creds?: Credentials;
  /** Allow plain HTTP and unverified TLS for this registry. */
  insecure?: boolean;
  /** Extra trusted CA certificates (PEM) for the registry and its token realm. */
  ca?: string;
  timeoutMs?: number;
}

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_HOPS = 5;
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/**
 * OCI distribution API v2 client for one repository. Credentials (and tokens earned
 * with them) are attached only to requests for the registry's own origin; redirects
 * are followed by hand so a blob served from a CDN or bucket never sees them.
 */
export class RegistryClient {
  private origin: URL;
  private authorization: string | undefined;
  private readonly allowHttp: boolean;
  private readonly timeoutMs: number;

  constructor(
    readonly registry: string,
    readonly repository: string,
    private readonly opts: RegistryClientOptions = {},
  ) {
    // Like docker: loopback registries and --insecure ones may use plain HTTP and
    // self-signed certificates. HTTPS is tried first; HTTP only if the port does not speak TLS.
    this.allowHttp = Boolean(opts.insecure) || isLoopbackHost(registry);
    this.origin = new URL(`https://${apiHost(registry)}`);
    this.timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  }

  /** The origin in use ("https://host" or "http://host" after a fallback). */
  get baseUrl(): string {
    return this.origin.origin;
  }

  private async send(url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    const request = () =>
      httpRequest(url, {
        headers,
        skipTlsVerify: this.allowHttp,
        ca: this.opts.ca,
        timeoutMs: this.timeoutMs,
      });
    try {
      return await request();
    } catch (e) {
      if (!(
        this.allowHttp &&
        url.origin === this.origin.origin &&
        url.protocol === "https:" &&
        isTlsProtocolError(e)
      ))
        throw e;
      this.origin = new URL(`http://${this.origin.host}`);
      url.protocol = "http:";
      return request();
    }
  }

  /** GET with manual redirects; Authorization only ever goes to the registry origin. */
  private async follow(path: string, accept: string | undefined): Promise<{ res: HttpResponse; url: URL }> {
    let url = new URL(path, this.origin);
    for (let hop = 0; hop <= MAX_HOPS; hop++) {
      const headers: Record<string, string> = {};
      if (accept) headers.Accept = accept;
      if (this.authorization && url.origin === this.origin.origin) headers.Authorization = this.authorization;
      const res = await this.send(url, headers);
      const location = res.headers.location;
      if (!REDIRECTS.includes(res.status) || !location) return { res, url };
      discard(res);
      url = new URL(location, url);
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new BulwarkError(
          "REGISTRY_ERROR",
          `${this.registry}: redirect to unsupported URL ${url.protocol}`,
        );
      }
    }
    throw new BulwarkError("REGISTRY_ERROR", `${this.registry}: more than ${MAX_HOPS} redirects for ${path}`);
  }

  private async authenticate(res: HttpResponse): Promise<void> {
    const challenge = parseChallenge(res.headers["www-authenticate"] as string | undefined);
    discard(res);
    if (challenge?.scheme === "bearer") {
      this.authorization = await fetchBearerToken(challenge, {
        registryHost: this.origin.host,
        defaultScope: `repository:${this.repository}:pull`,
        creds: this.opts.creds,
        insecure: Boolean(this.opts.insecure),
        loopbackOrInsecure: this.allowHttp,
        ca: this.opts.ca,
        timeoutMs: this.timeoutMs,
      });
    } else if (challenge?.scheme === "basic") {
      if (!this.opts.creds) {
        throw new BulwarkError(
          "REGISTRY_AUTH",
          `${this.registry}: authentication required (use --username/--password or docker login)`,
        );
      }
      this.authorization = basicAuth(this.opts.creds);
    } else {
      throw new BulwarkError(
        "REGISTRY_AUTH",
        `${this.registry}: unsupported authentication challenge ${JSON.stringify(challenge?.scheme ?? "none")}`,
      );
    }
  }

  /** GET a registry path, authenticating once on a 401, and fail on any non-200 answer. */
  async get(path: string, what: string, accept?: string): Promise<HttpResponse> {
    let { res, url } = await this.follow(path, accept);
    if (res.status === 401 && url.origin === this.origin.origin) {
      await this.authenticate(res);
      ({ res, url } = await this.follow(path, accept));
    }
    if (res.status === 200) return res;
    const detail = await errorDetail(res);
    if (res.status === 404)
      throw new BulwarkError(
        "MANIFEST_MISSING",
        `${what} not found in ${this.registry}/${this.repository}${detail}`,
      );
    if (res.status === 401 || res.status === 403) {
      throw new BulwarkError(
        "REGISTRY_AUTH",
        `${this.registry}: access to ${this.repository} denied (HTTP ${res.status}${this.opts.creds ? ", credentials rejected" : ", no credentials"})${detail}`,
      );
    }
    throw new BulwarkError("REGISTRY_ERROR", `${url.host}: HTTP ${res.status} for ${what}${detail}`);
  }

  /** Fetch a manifest or index by tag or digest; verified when asked for by digest. */
  async manifest(reference: string): Promise<{ data: Buffer; mediaType?: string; digest: string }> {
    const what = `manifest ${reference}`;
    const res = await this.get(`/v2/${this.repository}/manifests/${reference}`, what, MANIFEST_ACCEPT);
    const data = await readBody(res, MAX_MANIFEST_BYTES, what);
    if (reference.includes(":")) verifyBuffer(data, reference, `${this.registry}/${this.repository} ${what}`);
    const mediaType = (res.headers["content-type"] ?? "").split(";")[0]?.trim() || undefined;
    return { data, mediaType, digest: sha256Digest(data) };
  }

  async blob(digest: string, what: string): Promise<Buffer> {
    const res = await this.get(`/v2/${this.repository}/blobs/${digest}`, `${what} ${digest}`);
    return verifyBuffer(await readBody(res, MAX_MANIFEST_BYTES, what), digest, `${what} ${digest}`);
  }

  /** Stream a layer blob; the stream fails with DIGEST_MISMATCH if the bytes are not `digest`. */
  async openBlob(digest: string, what: string, size?: number): Promise<Readable> {
    const res = await this.get(`/v2/${this.repository}/blobs/${digest}`, `${what} ${digest}`);
    const verifier = new DigestVerifier(digest, `${what} ${digest}`, size);
    // A blob must arrive within a total deadline that grows with its size: an idle timeout
    // alone is defeated by a server that trickles one byte a second.
    const deadline = totalDeadlineMs(size);
    const timer = setTimeout(() => {
      const e = new BulwarkError(
        "NETWORK",
        `${what} ${digest}: not received within ${deadline} ms (BULWARK_REGISTRY_TOTAL_MS and BULWARK_REGISTRY_MIN_RATE set the bound)`,
      );
      verifier.destroy(e);
      res.body.destroy(e);
    }, deadline);
    timer.unref();
    verifier.on("close", () => clearTimeout(timer));
    res.body.on("error", (e) =>
      verifier.destroy(
        e instanceof BulwarkError ? e : new BulwarkError("NETWORK", `${what} ${digest}: ${e.message}`),
      ),
    );
    res.body.on("aborted", () =>
      verifier.destroy(new BulwarkError("NETWORK", `${what} ${digest}: connection closed early`)),
    );
    return res.body.pipe(verifier);
  }
}

async function errorDetail(res: HttpResponse): Promise<string> {
  try {
    const body = await readBody(res, 64 * 1024, "error body");
    const json = JSON.parse(body.toString("utf8")) as { errors?: Array<{ code?: string; message?: string }> };
    const first = json.errors?.[0];
    return first ? ` (${[first.code, first.message].filter(Boolean).join(": ")})` : "";
  } catch {
    return "";
  }
}
