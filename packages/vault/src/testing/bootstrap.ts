/** Initialises and unseals a vault over HTTP and mounts KV v2 at secret/ (for tests and the benchmark). */
import { rawRequest } from "./raw.js";

export async function bootstrap(
  url: string,
  shares = 3,
  threshold = 2,
): Promise<{ root: string; keys: string[] }> {
  const init = await rawRequest(url, "PUT", "/v1/sys/init", {
    body: JSON.stringify({ secret_shares: shares, secret_threshold: threshold }),
  });
  const { keys, root_token: root } = init.json as unknown as { keys: string[]; root_token: string };
  for (const key of keys.slice(0, threshold))
    await rawRequest(url, "PUT", "/v1/sys/unseal", { body: JSON.stringify({ key }) });
  await rawRequest(url, "POST", "/v1/sys/mounts/secret", {
    token: root,
    body: JSON.stringify({ type: "kv", options: { version: "2" } }),
  });
  return { root, keys };
}
