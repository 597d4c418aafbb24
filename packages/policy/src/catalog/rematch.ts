import { putDigest, digestPage, imagesOfDigest, putImage } from "./repo.js";
import { judgeStored, vulnFindings, type CatalogContext } from "./catalog.js";
import { recordChange } from "./history.js";

export interface VerdictChange {
  image: string;
  before: string;
  after: string;
  reasons: string[];
}

export interface RematchSummary {
  dbVersion: string;
  inventories: number;
  rematched: number;
  images: number;
  changes: VerdictChange[];
}

const PAGE = 200;

/**
 * After `bulwark db update`: match every stored inventory against the new database and
 * judge every catalogued image again, from the store alone (no pull, no scan, no registry
 * call: the signature outcomes recorded at scan time are reused). Returns the verdicts that changed.
 */
export async function rematchCatalog(ctx: CatalogContext): Promise<RematchSummary> {
  const version = ctx.db?.version ?? "none";
  const out: RematchSummary = { dbVersion: version, inventories: 0, rematched: 0, images: 0, changes: [] };
  let after = "";
  for (;;) {
    const page = await digestPage(ctx.store, after, PAGE);
    // One transaction per page: a commit per row would make 10,000 images take a minute on SQLite.
    await ctx.store.transaction(async (tx) => {
      const c = { ...ctx, store: tx };
      for (const d of page) {
        out.inventories++;
        if (d.dbVersion !== version) {
          d.vulnFindings = vulnFindings(c, d.inventory);
          d.dbVersion = version;
          await putDigest(tx, d, (ctx.now ?? Date.now)());
          out.rematched++;
        }
        for (const img of await imagesOfDigest(tx, d.digest)) {
          const judged = judgeStored(c, img.registry, img.repository, d, img.signatures);
          out.images++;
          if (judged.verdict !== img.verdict) {
            const change = {
              image: `${img.registry}/${img.repository}@${img.digest}`,
              before: img.verdict,
              after: judged.verdict,
              reasons: judged.reasons.map((r) => `[${r.policy}/${r.rule}] ${r.message}`),
            };
            out.changes.push(change);
            await recordChange(tx, { ...img, ...change, dbVersion: version, changedAt: judged.judgedAt });
          }
          await putImage(tx, judged);
        }
      }
    });
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!.digest;
  }
}
