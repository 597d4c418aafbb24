import { createSign, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import { selfSignedCert } from "./cert.js";

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** Every token request: the scope asked for and whether credentials came along. */
  requests: Array<{ scope: string | null; authorization?: string }>;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/**
 * A Docker-Hub-style token service for distribution's `token` auth: checks Basic
 * credentials and signs an RS256 JWT with a self-signed certificate (made by openssl)
 * that the registry is told to trust.
 */
export async function startTokenServer(
  dir: string,
  user: string,
  password: string,
  opts: { https: boolean; name?: string } = { https: true },
): Promise<TokenServer> {
  const { certFile, keyFile } = selfSignedCert(dir, opts.name ?? "token", "127.0.0.1");
  const key = readFileSync(keyFile);
  const certDer = new X509Certificate(readFileSync(certFile)).raw;
  const service = "bulwark-test-registry";
  const issuer = "bulwark-test-issuer";
  const requests: TokenServer["requests"] = [];
  const expected = "Basic " + Buffer.from(`${user}:${password}`).toString("base64");

  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const scope = url.searchParams.get("scope");
    requests.push({ scope, authorization: req.headers.authorization });
    if (req.headers.authorization !== expected)
      return void res.writeHead(401).end('{"details":"bad credentials"}');
    const access = (scope ?? "")
      .split(" ")
      .filter(Boolean)
      .map((s) => {
        const [type, name, actions] = s.split(":");
        return { type, name, actions: (actions ?? "").split(",") };
      });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", x5c: [certDer.toString("base64")] }));
    const claims = b64url(
      JSON.stringify({
        iss: issuer,
        sub: user,
        aud: service,
        iat: now - 10,
        nbf: now - 10,
        exp: now + 600,
        jti: String(Math.random()),
        access,
      }),
    );
    const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(key);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}` }));
  };
  // Over HTTPS by default, with the same self-signed certificate that signs the tokens.
  const server = opts.https
    ? https.createServer({ cert: readFileSync(certFile), key }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    realm: `${opts.https ? "https" : "http"}://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
