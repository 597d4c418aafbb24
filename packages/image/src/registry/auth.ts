import { BulwarkError } from "@bulwark/model";
import type { Credentials } from "./credentials.js";
import { discard, httpRequest, readBody, type HttpResponse } from "./http.js";

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parse `Bearer realm="…",service="…",scope="…"` (quoted values may contain commas). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const p of (m[2] ?? "").matchAll(re)) {
    params[(p[1] ?? "").toLowerCase()] = (p[2] ?? p[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return { scheme: (m[1] ?? "").toLowerCase(), params };
}

export function basicAuth(creds: Credentials): string {
  return "Basic " + Buffer.from(`${creds.username}:${creds.password}`).toString("base64");
}

/** How a token realm may be contacted: whether credentials go along, whether TLS is verified. */
export interface RealmAccess {
  sendCreds: boolean;
  skipTlsVerify: boolean;
}

/**
 * Docker's rule for credentials: they go to the token realm the registry names only over
 * HTTPS with a verified certificate (a realm on another host, as Docker Hub uses, is fine),
 * and over plain HTTP or unverified TLS only when the user marked that exact host insecure
 * (`--insecure` for the registry, and the realm is the registry's own host and port). The
 * registry's loopback or insecure exemption never extends to a realm elsewhere: a hostile
 * registry could otherwise name any realm and collect the user's password.
 */
export function realmAccess(
  realm: URL,
  o: { registryHost: string; insecure: boolean; loopbackOrInsecure: boolean; hasCreds: boolean },
): RealmAccess {
  // Anonymous token requests carry nothing worth protecting; keep the registry's TLS rule.
  if (!o.hasCreds) return { sendCreds: false, skipTlsVerify: o.loopbackOrInsecure };
  const markedInsecure = o.insecure && realm.host === o.registryHost;
  if (realm.protocol === "https:") return { sendCreds: true, skipTlsVerify: markedInsecure };
  if (markedInsecure) return { sendCreds: true, skipTlsVerify: true };
  throw new BulwarkError(
    "REGISTRY_AUTH",
    `${o.registryHost}: refusing to send credentials to token realm ${realm.origin}${realm.pathname} over plain HTTP ` +
      `(only a registry host marked --insecure may receive them unencrypted)`,
  );
}

/**
 * Exchange a Bearer challenge for a token (Docker Hub style), sending the credentials
 * only where {@link realmAccess} allows.
 */
export async function fetchBearerToken(
  challenge: Challenge,
  opts: {
    registryHost: string;
    defaultScope: string;
    creds?: Credentials;
    /** The user passed --insecure for this registry. */
    insecure: boolean;
    /** The registry itself may be reached without TLS verification (loopback or --insecure). */
    loopbackOrInsecure: boolean;
    ca?: string;
    timeoutMs: number;
  },
): Promise<string> {
  const realm = challenge.params.realm;
  let url: URL;
  try {
    url = new URL(realm ?? "");
  } catch {
    throw new BulwarkError("REGISTRY_AUTH", `${opts.registryHost}: bearer challenge without a usable realm`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new BulwarkError(
      "REGISTRY_AUTH",
      `${opts.registryHost}: token realm ${url.protocol} is not HTTP(S)`,
    );
  const access = realmAccess(url, { ...opts, hasCreds: Boolean(opts.creds) });
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", challenge.params.scope ?? opts.defaultScope);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (opts.creds && access.sendCreds) headers.Authorization = basicAuth(opts.creds);
  const res = await requestRealm(url, headers, access, opts);
  if (res.status === 401 || res.status === 403) {
    discard(res);
    throw new BulwarkError(
      "REGISTRY_AUTH",
      `${opts.registryHost}: token service ${url.host} refused the ${opts.creds ? "credentials" : "anonymous request"} (HTTP ${res.status})`,
    );
  }
  if (res.status !== 200) {
    discard(res);
    throw new BulwarkError(
      "REGISTRY_AUTH",
      `${opts.registryHost}: token service ${url.host} answered HTTP ${res.status}`,
    );
  }
  const body = await readBody(res, 1024 * 1024, `${url.host} token`);
  let json: { token?: string; access_token?: string };
  try {
    json = JSON.parse(body.toString("utf8")) as typeof json;
  } catch {
    throw new BulwarkError(
      "REGISTRY_AUTH",
      `${opts.registryHost}: token service ${url.host} returned no JSON`,
    );
  }
  const token = json.token ?? json.access_token;
  if (!token)
    throw new BulwarkError(
      "REGISTRY_AUTH",
      `${opts.registryHost}: token service ${url.host} returned no token`,
    );
  return `Bearer ${token}`;
}

async function requestRealm(
  url: URL,
  headers: Record<string, string>,
  access: RealmAccess,
  opts: { registryHost: string; ca?: string; timeoutMs: number; creds?: Credentials },
): Promise<HttpResponse> {
  try {
    return await httpRequest(url, {
      headers,
      skipTlsVerify: access.skipTlsVerify,
      ca: opts.ca,
      timeoutMs: opts.timeoutMs,
    });
  } catch (e) {
    // A certificate that does not verify: the credentials never left (TLS failed first).
    const cause = (e as { cause?: { code?: string } }).cause;
    if (opts.creds && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ALTNAME/.test(cause?.code ?? ""))
      throw new BulwarkError(
        "REGISTRY_AUTH",
        `${opts.registryHost}: refusing to send credentials to token realm ${url.origin}${url.pathname}: ` +
          `its certificate does not verify (${cause?.code}); trust its CA with --ca-file`,
        undefined,
        { cause: e },
      );
    throw e;
  }
}
