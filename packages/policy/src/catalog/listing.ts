import { readBody, type RegistryClient } from "../deps.js";
import { PolicyError } from "../errors.js";

const PAGE_SIZE = 100;
/** Bounds on a registry's answers: a misbehaving registry must not keep us paging forever. */
const MAX_PAGES = 1000;
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

/** The next page from an RFC 5988 Link header; only same-origin relative links are followed. */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(",") : header;
  const m = value && /<([^>]+)>\s*;\s*rel="?next"?/.exec(value);
  if (!m) return undefined;
  const link = m[1]!;
  if (!link.startsWith("/v2/"))
    throw new PolicyError(
      "REGISTRY_GARBAGE",
      `registry pagination link ${JSON.stringify(link.slice(0, 100))} is not a /v2/ path`,
    );
  return link;
}

async function pagedList(
  client: RegistryClient,
  first: string,
  field: string,
  what: string,
): Promise<string[]> {
  const out: string[] = [];
  let path: string | undefined = first;
  for (let page = 0; path; page++) {
    if (page >= MAX_PAGES) throw new PolicyError("REGISTRY_GARBAGE", `${what}: more than ${MAX_PAGES} pages`);
    const res = await client.get(path, what, "application/json");
    const body = await readBody(res, MAX_PAGE_BYTES, what);
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString("utf8"));
    } catch {
      throw new PolicyError("REGISTRY_GARBAGE", `${client.registry}: ${what} is not JSON`);
    }
    const list = (doc as Record<string, unknown> | null)?.[field];
    if (list === null) break; // distribution answers `"tags": null` for a repository without tags
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string"))
      throw new PolicyError(
        "REGISTRY_GARBAGE",
        `${client.registry}: ${what} has no "${field}" list of strings`,
      );
    out.push(...(list as string[]));
    path = nextLink(res.headers.link);
  }
  return out;
}

/** Every repository of the registry (`GET /v2/_catalog`, paginated). */
export function listRepositories(client: RegistryClient): Promise<string[]> {
  return pagedList(client, `/v2/_catalog?n=${PAGE_SIZE}`, "repositories", "repository catalog");
}

/** Every tag of one repository (`GET /v2/<repo>/tags/list`, paginated). */
export function listTags(client: RegistryClient): Promise<string[]> {
  return pagedList(
    client,
    `/v2/${client.repository}/tags/list?n=${PAGE_SIZE}`,
    "tags",
    `tags of ${client.repository}`,
  );
}
