/** A raw HTTP call that sends the path byte for byte (fetch would normalise "..") . */
import http from "node:http";

export function rawRequest(
  url: string,
  method: string,
  path: string,
  opts: { token?: string; body?: string | Buffer; contentType?: string } = {},
): Promise<{
  status: number;
  json: { errors?: string[]; data?: unknown; [k: string]: unknown } | undefined;
}> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: {
          ...(opts.token ? { "X-Vault-Token": opts.token } : {}),
          ...(opts.body ? { "Content-Type": opts.contentType ?? "application/json" } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            json: text ? (JSON.parse(text) as { errors?: string[] }) : undefined,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}
