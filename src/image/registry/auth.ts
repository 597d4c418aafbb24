import { BulwarkError } from "../../errors.js";
import type { Credentials } from "./credentials.js";
import { discard, httpRequest, readBody } from "./http.js";

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

/**
 * Exchange a Bearer challenge for a token (Docker Hub style). Credentials go to the
 * realm only when it is HTTPS or on the registry's own host: the registry chose the
 * realm, and these credentials are that registry's anyway.
 */
export async function fetchBearerToken(
  challenge: Challenge,
  opts: {
    registryHost: string;
    defaultScope: string;
    creds?: Credentials;
    skipTlsVerify: boolean;
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
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", challenge.params.scope ?? opts.defaultScope);
  const headers: Record<string, string> = { Accept: "application/json" };
  const mayCarryCreds =
    url.protocol === "https:" || url.hostname === new URL(`http://${opts.registryHost}`).hostname;
  if (opts.creds && mayCarryCreds) headers.Authorization = basicAuth(opts.creds);
  const res = await httpRequest(url, {
    headers,
    skipTlsVerify: opts.skipTlsVerify,
    timeoutMs: opts.timeoutMs,
  });
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
