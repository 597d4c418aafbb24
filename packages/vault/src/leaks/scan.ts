/**
 * Closing the loop with the scanners: the secrets a scan finds (as SHA-256 hashes, never
 * values) are matched by the vault against keyed fingerprints of the values it manages.
 * A match is a "leaked, rotate now" finding naming the vault path.
 */
import {
  buildContext,
  defaultCacheDir,
  imageConfigHits,
  imageLayerHits,
  scanTree,
  secretAnalyzer,
  withImageInput,
} from "../deps.js";

export interface ScannedSecret {
  file: string;
  line: number;
  layer?: string;
  ruleId: string;
  /** SHA-256 hex of the secret, as the scanner computes it. */
  secretHash: string;
}

export interface LeakMatch {
  hash: string;
  mount: string;
  path: string;
  version: number;
  field: string;
}

export interface LeakFinding {
  kind: "secret";
  id: "vault-leaked-secret";
  severity: "CRITICAL";
  title: string;
  file: string;
  line: number;
  layer?: string;
  vaultPath: string;
  field: string;
  version: number;
  remediation: string;
}

/** Secrets in an image (every layer and the config), via the scanner's own analyzer. */
export async function imageSecrets(target: string, cacheDir?: string): Promise<ScannedSecret[]> {
  const ctx = buildContext({});
  return withImageInput(
    target,
    [secretAnalyzer(ctx, false)],
    { cacheDir: defaultCacheDir(cacheDir) },
    async (input) =>
      [...imageLayerHits(input), ...imageConfigHits(ctx, input)].map((i) => ({
        file: i.file,
        line: i.hit.line,
        layer: i.layer,
        ruleId: i.hit.ruleId,
        secretHash: i.hit.secretHash,
      })),
  );
}

/** Secrets in a directory (a repository, manifests, an unpacked root filesystem). */
export async function treeSecrets(dir: string): Promise<ScannedSecret[]> {
  const tree = await scanTree(buildContext({}), dir, {});
  return tree.hits.map((h) => ({
    file: h.file,
    line: h.hit.line,
    ruleId: h.hit.ruleId,
    secretHash: h.hit.secretHash,
  }));
}

export function leakFindings(found: ScannedSecret[], matches: LeakMatch[]): LeakFinding[] {
  const out: LeakFinding[] = [];
  for (const s of found)
    for (const m of matches.filter((x) => x.hash === s.secretHash)) {
      const vaultPath = `${m.mount}/${m.path}`;
      out.push({
        kind: "secret",
        id: "vault-leaked-secret",
        severity: "CRITICAL",
        title: `leaked, rotate now: ${vaultPath} (field ${m.field}, version ${m.version})`,
        file: s.file,
        line: s.line,
        ...(s.layer ? { layer: s.layer } : {}),
        vaultPath,
        field: m.field,
        version: m.version,
        remediation: `bulwark vault rotate ${vaultPath}`,
      });
    }
  return out;
}
