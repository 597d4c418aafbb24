import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BulwarkError, readBoundedFileSync } from "@bulwark/model";

export interface Credentials {
  username: string;
  password: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
}

/** $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function defaultDockerConfigPath(): string {
  const dir = process.env.DOCKER_CONFIG || join(homedir(), ".docker");
  return join(dir, "config.json");
}

/** "https://index.docker.io/v1/" → "docker.io"; "http://localhost:5000" → "localhost:5000". */
export function normaliseAuthKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  return host === "index.docker.io" || host === "registry-1.docker.io" ? "docker.io" : host;
}

/** --docker-config may name the file or, like $DOCKER_CONFIG, its directory. */
function configFile(given: string | undefined): string | undefined {
  if (given === undefined) return undefined;
  try {
    return statSync(given).isDirectory() ? join(given, "config.json") : given;
  } catch {
    return given;
  }
}

function readConfig(path: string, explicit: boolean): DockerConfig | undefined {
  let text: string;
  try {
    text = readBoundedFileSync(path, "docker config", "CONFIG_BYTES").toString("utf8");
  } catch {
    if (explicit) throw new BulwarkError("CONFIG_INVALID", `cannot read docker config ${path}`);
    return undefined;
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch {
    throw new BulwarkError("CONFIG_INVALID", `docker config ${path} is not valid JSON`);
  }
}

function decodeAuth(auth: string, path: string, key: string): Credentials {
  const text = Buffer.from(auth, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0)
    throw new BulwarkError(
      "CONFIG_INVALID",
      `docker config ${path}: auths[${JSON.stringify(key)}].auth is not base64 user:password`,
    );
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Credentials for one registry: --username/--password win, else the `auths` entry of
 * the docker config. Credential helpers (credsStore/credHelpers) are not run.
 */
export function findCredentials(
  registry: string,
  opts: { username?: string; password?: string; dockerConfig?: string },
): Credentials | undefined {
  if (opts.username !== undefined || opts.password !== undefined) {
    if (!opts.username || opts.password === undefined) {
      throw new BulwarkError("USAGE", "--username and --password must be given together");
    }
    return { username: opts.username, password: opts.password };
  }
  const path = configFile(opts.dockerConfig) ?? defaultDockerConfigPath();
  const config = readConfig(path, opts.dockerConfig !== undefined);
  for (const [key, entry] of Object.entries(config?.auths ?? {})) {
    if (normaliseAuthKey(key) !== registry) continue;
    if (entry.auth) return decodeAuth(entry.auth, path, key);
    if (entry.username && entry.password !== undefined)
      return { username: entry.username, password: entry.password };
  }
  return undefined;
}
