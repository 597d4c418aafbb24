/**
 * Docker's own record of a container: `/var/lib/docker/containers/<id>/config.v2.json`
 * (name, image reference and id, labels) and `hostconfig.json` (privileged).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerInfo } from "../events/index.js";
import { splitImage } from "./bundle.js";

export function readDockerMeta(
  id: string,
  root = "/var/lib/docker/containers",
): Partial<ContainerInfo> | undefined {
  let cfg: {
    Name?: unknown;
    Image?: unknown;
    Created?: unknown;
    Config?: { Image?: unknown; Labels?: unknown; User?: unknown };
  };
  try {
    cfg = JSON.parse(readFileSync(join(root, id, "config.v2.json"), "utf8")) as typeof cfg;
  } catch {
    return undefined;
  }
  let privileged: boolean | undefined;
  try {
    const host = JSON.parse(readFileSync(join(root, id, "hostconfig.json"), "utf8")) as {
      Privileged?: unknown;
    };
    privileged = host.Privileged === true;
  } catch {
    privileged = undefined;
  }
  const image = typeof cfg.Config?.Image === "string" ? cfg.Config.Image : undefined;
  const labels =
    cfg.Config?.Labels && typeof cfg.Config.Labels === "object"
      ? Object.fromEntries(
          Object.entries(cfg.Config.Labels as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === "string",
          ),
        )
      : undefined;
  return {
    name: typeof cfg.Name === "string" ? cfg.Name.replace(/^\//, "") : undefined,
    image,
    ...(image ? splitImage(image) : {}),
    // Docker's Image field is the image config id, not the manifest digest; kept as a labelled id.
    imageDigest: typeof cfg.Image === "string" && cfg.Image.startsWith("sha256:") ? cfg.Image : undefined,
    labels,
    privileged,
    user: typeof cfg.Config?.User === "string" && cfg.Config.User ? cfg.Config.User : undefined,
    startTime: typeof cfg.Created === "string" ? cfg.Created : undefined,
    runtime: "docker",
  };
}
