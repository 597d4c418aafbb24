import {
  checkVulnDb,
  parseReference,
  scanners,
  withImageInput,
  type Finding,
  type Image,
  type ImageReference,
  type ScanOptions,
} from "../deps.js";
import type { ImageFacts } from "./facts.js";
import type { PolicySet } from "./types.js";

const BASE_NAME = "org.opencontainers.image.base.name";

/** The scanners a policy set needs: no vulnerability database is required by a policy without vulnerability rules. */
export function scannersFor(set: PolicySet): string[] {
  const names = new Set<string>();
  for (const p of set.policies) {
    if (p.vulnerabilities) names.add("vuln");
    if (p.secrets === "deny") names.add("secret");
    if (p.misconfigurations.length) names.add("misconfig");
  }
  return [...names];
}

/** The registry reference of a registry target (`docker://` and `registry:` prefixes stripped). */
export function registryRef(target: string): ImageReference | undefined {
  const spec = target.replace(/^(?:docker:\/\/|registry:)/, "");
  try {
    return parseReference(spec);
  } catch {
    return undefined;
  }
}

export function factsOfImage(target: string, image: Image, findings: Finding[]): ImageFacts {
  const labels = image.config.config?.Labels ?? {};
  const ref = image.source === "registry" ? registryRef(target) : undefined;
  return {
    target,
    ref,
    digest: image.digest,
    created: image.config.created,
    diffIds: image.config.rootfs?.diff_ids ?? [],
    baseName: labels[BASE_NAME],
    findings,
    scanned: true,
  };
}

/** Scan an image once with the scanners the policy needs and return what the policy judges. */
export async function gatherFacts(target: string, set: PolicySet, opts: ScanOptions): Promise<ImageFacts> {
  const wanted = scannersFor(set);
  const selected = scanners.filter((s) => wanted.includes(s.name) && s.scanImage);
  if (wanted.includes("vuln")) checkVulnDb(opts.cacheDir);
  const extra = selected.flatMap((s) => s.analyzers?.(opts) ?? []);
  return withImageInput(target, extra, opts, async (input) => {
    const findings: Finding[] = [];
    for (const s of selected) findings.push(...(await s.scanImage!(input, opts)).findings);
    return factsOfImage(target, input.image, findings);
  });
}
