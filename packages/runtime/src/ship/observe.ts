/**
 * One-shot observation of this host for `bulwark prioritize --observe`: the same collector
 * `runtime watch --server` runs (loaded files, listening ports, privilege), restricted to the
 * containers of one image and sampled for a window, then handed back instead of uploaded.
 */
import type { ContainerInfo } from "../events/index.js";
import { EvidenceCollector, type EvidenceItem } from "./evidence.js";

export interface ObserveOptions {
  /** A manifest digest (sha256:…) or an image reference (repo[:tag]). */
  image: string;
  windowMs: number;
  /** Time between two passes over /proc (default 1 s, never more than the window). */
  intervalMs?: number;
  procRoot?: string;
}

export interface Observation {
  /** Evidence of every matched image, each covering the whole window. */
  items: EvidenceItem[];
  /** The matched images (digests) with their containers. */
  images: Array<{ asset: string; containers: string[] }>;
  /** `/proc/PID/root` of a process of the image: its filesystem, for dpkg's file lists. */
  root?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** docker.io/library/python:3 and python:3 are one image; no tag means latest. */
export function normaliseRef(ref: string): string {
  let r = ref.split("@")[0] ?? ref;
  const slash = r.lastIndexOf("/");
  if (r.lastIndexOf(":") <= slash) r += ":latest";
  r = r.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "");
  return r.includes("/") ? r : `library/${r}`;
}

/** Does the container run `image` (a digest, or a reference compared after normalising)? */
export function runsImage(c: ContainerInfo, image: string): boolean {
  if (DIGEST.test(image)) return c.imageDigest === image || (c.image?.endsWith(`@${image}`) ?? false);
  return c.image !== undefined && normaliseRef(c.image) === normaliseRef(image);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Samples /proc every interval for the window. The first pass decides whether there is
 * anything to observe: with no running container of the image it returns at once (empty
 * `images`), so a mistyped image costs no window.
 */
export async function observeImage(o: ObserveOptions): Promise<Observation> {
  const collector = new EvidenceCollector({
    ...(o.procRoot ? { procRoot: o.procRoot } : {}),
    match: (c) => runsImage(c, o.image),
    source: "bulwark prioritize --observe",
  });
  const start = Date.now();
  let items = collector.collect(start);
  if (items.length > 0) {
    const interval = Math.max(50, Math.min(o.intervalMs ?? 1000, o.windowMs));
    for (let t = Date.now(); t - start < o.windowMs; t = Date.now()) {
      await sleep(Math.min(interval, o.windowMs - (t - start)));
      items = collector.collect();
    }
  }
  const seen = collector.observed();
  const pid = seen.find((s) => s.pid !== undefined)?.pid;
  return {
    items,
    images: seen.map(({ asset, containers }) => ({ asset, containers })),
    ...(pid !== undefined ? { root: `${o.procRoot ?? "/proc"}/${pid}/root` } : {}),
  };
}
