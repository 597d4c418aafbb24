/** Parses an image reference into registry, tag and digest (Docker Hub when no registry). */
export function parseImageRef(ref: string): {
  registry: string;
  repo: string;
  tag?: string;
  digest?: string;
} {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split("/")[0] ?? "";
  const hasRegistry =
    rest.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return {
    registry: hasRegistry ? first : "docker.io",
    repo: hasRegistry ? rest.slice(first.length + 1) : rest,
    tag,
    digest,
  };
}

export function imageAllowed(ref: string, allowed: readonly string[]): boolean {
  const { registry, repo } = parseImageRef(ref);
  const full = `${registry}/${repo}`;
  return allowed.some((a) => {
    const p = a.replace(/\/+$/, "");
    return registry === p || full === p || full.startsWith(`${p}/`);
  });
}
