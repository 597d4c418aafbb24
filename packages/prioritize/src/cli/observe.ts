/**
 * `prioritize --observe`: the runtime context of the report's image from this host, now.
 * The /proc collection is the runtime agent's (`runtime watch --server` uploads the same
 * items); this package may not import the runtime, so the CLI hands the collector in as an
 * `Observer` and the join with the report's packages happens here, as on the server.
 */
import { BulwarkError, type EvidenceUpload } from "../deps.js";
import { contextFromRecords } from "../evidence.js";
import { dpkgOwnership, type OwnedPackage } from "../in-use.js";
import type { RiskFinding, RuntimeContext } from "../types.js";

export interface ObserverResult {
  /** Evidence items, each covering the whole window (loaded_files, listening_ports, privilege). */
  items: EvidenceUpload[];
  /** The images matched, by digest, with their containers. */
  images: Array<{ asset: string; containers: string[] }>;
  /** A matched container's filesystem as seen from here (`/proc/PID/root`), for dpkg's lists. */
  root?: string;
}

/** Samples the host's containers of `image` (digest or reference) for `windowMs`. */
export type Observer = (o: { image: string; windowMs: number }) => Promise<ObserverResult>;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "2m", "500ms", "1h"; a bare number is seconds. */
export function parseWindow(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? "s"]! : NaN;
  if (!Number.isFinite(ms) || ms < 100 || ms > 24 * 3_600_000)
    throw new BulwarkError(
      "USAGE",
      `--window: expected a duration from 100ms to 24h such as 30s or 2m, got "${text}"`,
    );
  return ms;
}

/** Transports name files, not images: a running container cannot be matched to them. */
const NOT_A_REF = /^(oci|oci-archive|docker-archive|rootfs|dir|file|host|config):/;

export function imageToObserve(flag: string | undefined, target: string): string {
  if (flag) return flag;
  if (!target || NOT_A_REF.test(target) || target.startsWith("/"))
    throw new BulwarkError(
      "USAGE",
      `--observe: the report's target "${target}" is not an image reference; name the image with --image DIGEST|REF`,
    );
  return target;
}

/** The report's packages as an inventory: the join needs each one's purl and metadata path. */
export function packagesOf(findings: readonly RiskFinding[]): OwnedPackage[] {
  const byPurl = new Map<string, OwnedPackage>();
  for (const f of findings) {
    const purl = f.package.purl;
    if (!purl) continue;
    const type = /^pkg:([^/]+)\//.exec(purl)?.[1] ?? "";
    const p = byPurl.get(purl) ?? { type, name: f.package.name, purl, locations: [] };
    // Paths inside the image, made absolute as /proc shows them inside the container.
    const path = f.location ? `/${f.location.path.replace(/^\/+/, "")}` : undefined;
    if (path && !p.locations.some((l) => l.path === path)) p.locations.push({ path });
    byPurl.set(purl, p);
  }
  return [...byPurl.values()];
}

export interface Observed {
  ctx: RuntimeContext;
  result: ObserverResult;
}

export async function observeContext(
  observer: Observer,
  image: string,
  windowMs: number,
  findings: readonly RiskFinding[],
): Promise<Observed> {
  const result = await observer({ image, windowMs });
  if (!result.images.length) {
    const hint = process.getuid?.() === 0 ? "" : " (seeing other users' containers needs root)";
    throw new BulwarkError(
      "TARGET_NOT_FOUND",
      `--observe: no running container of ${image} on this host${hint}`,
    );
  }
  const packages = packagesOf(findings);
  const ownership = result.root ? dpkgOwnership(packages, result.root) : undefined;
  const records = result.items.map((e) => ({
    kind: e.kind,
    from: Date.parse(e.from),
    to: Date.parse(e.to),
    data: e.data,
  }));
  return { ctx: contextFromRecords(records, packages, ownership), result };
}
