import { spawn, type ChildProcess } from "node:child_process";
import { createReadStream } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { join, normalize } from "node:path";

/** A free TCP port on the given loopback address. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(
  host: string,
  port: number,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not listen on ${host}:${port}: ${log()}`);
}

export interface RunningRegistry {
  /** "127.0.0.1:PORT" */
  host: string;
  storage: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  dir: string;
  /** htpasswd file contents: turns on Basic auth. */
  htpasswd?: string;
  /** Serve blob GETs as redirects to this base URL (distribution's redirect storage middleware). */
  redirectTo?: string;
  /** Serve HTTPS with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** Token auth: the registry trusts JWTs signed by this certificate. */
  token?: { realm: string; service: string; issuer: string; certFile: string };
}

/** Debian's docker-registry on 127.0.0.1 with storage under `dir`. */
export async function startRegistry(opts: RegistryOptions): Promise<RunningRegistry> {
  const port = await freePort();
  const storage = join(opts.dir, "storage");
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storage}`,
    "http:",
    `  addr: 127.0.0.1:${port}`,
    "  secret: bulwark-test",
  ];
  if (opts.tls) lines.push("  tls:", `    certificate: ${opts.tls.certFile}`, `    key: ${opts.tls.keyFile}`);
  if (opts.htpasswd) {
    await writeFile(join(opts.dir, "htpasswd"), opts.htpasswd);
    lines.push("auth:", "  htpasswd:", "    realm: bulwark-test", `    path: ${join(opts.dir, "htpasswd")}`);
  }
  if (opts.token) {
    const t = opts.token;
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${t.realm}`,
      `    service: ${t.service}`,
      `    issuer: ${t.issuer}`,
      `    rootcertbundle: ${t.certFile}`,
    );
  }
  if (opts.redirectTo) {
    lines.push(
      "middleware:",
      "  storage:",
      "    - name: redirect",
      "      options:",
      `        baseurl: ${opts.redirectTo}`,
    );
  }
  const config = join(opts.dir, "config.yml");
  await writeFile(config, lines.join("\n") + "\n");
  const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  await waitForPort("127.0.0.1", port, child, () => stderr);
  return {
    host: `127.0.0.1:${port}`,
    storage,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
}

/**
 * The "other host" blob downloads are redirected to (as S3/CDN would be): it serves
 * the registry's stored blob files and records every request's headers.
 */
export async function startBlobHost(
  storage: string,
  host = "127.0.0.2",
): Promise<{ base: string; requests: RecordedRequest[]; stop(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    const rel = normalize(decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/"));
    const file = join(storage, rel);
    if (!file.startsWith(storage)) return void res.writeHead(400).end();
    stat(file).then(
      (s) => {
        res.writeHead(200, { "Content-Length": s.size });
        if (req.method === "HEAD") return res.end();
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    base: `http://${host}:${port}/`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
