import type { Command } from "commander";
import type { Store } from "@bulwark/store";
import { rematchCatalog } from "../catalog/rematch.js";
import { allImages, getDigest, tagsOf, type ImageRow } from "../catalog/repo.js";
import { changesOf } from "../catalog/history.js";
import { PolicyError } from "../errors.js";
import { addStoreFlags, catalogContext, openCatalogStore, type StoreFlags } from "./catalog-context.js";
import { addPolicyFlags, parseFormat, type PolicyFlags } from "./common.js";

interface ListFlags extends StoreFlags {
  format: string;
}

const DAY_MS = 86_400_000;

async function describeImage(store: Store, i: ImageRow) {
  const d = await getDigest(store, i.digest);
  const tags = (await tagsOf(store, i.registry, i.repository)).filter((t) => t.digest === i.digest);
  const created = d?.created ? Date.parse(d.created) : NaN;
  return {
    image: `${i.registry}/${i.repository}@${i.digest}`,
    verdict: i.verdict,
    reasons: i.reasons,
    tags: tags.map((t) => ({
      tag: t.tag,
      firstSeen: new Date(t.firstSeen).toISOString(),
      lastSeen: new Date(t.lastSeen).toISOString(),
    })),
    created: d?.created ?? null,
    ageDays: Number.isNaN(created) ? null : Math.floor((Date.now() - created) / DAY_MS),
    base: d?.baseName ?? null,
    signer: i.signer ?? null,
    findings: d
      ? { vulnerabilities: d.vulnFindings.length, other: d.otherFindings.length, dbVersion: d.dbVersion }
      : null,
    policyVersion: i.policyVersion,
    /** Verdicts that re-matches after `bulwark db update` changed, oldest first. */
    history: (await changesOf(store, i.registry, i.repository, i.digest)).map((c) => ({
      at: new Date(c.changedAt).toISOString(),
      dbVersion: c.dbVersion,
      before: c.before,
      after: c.after,
      reasons: c.reasons,
    })),
  };
}

async function withStore<T>(flags: StoreFlags, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openCatalogStore(flags);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function list(flags: ListFlags): Promise<void> {
  const format = parseFormat(flags.format);
  const rows = await withStore(flags, async (s) =>
    Promise.all((await allImages(s)).map((i) => describeImage(s, i))),
  );
  if (format === "json") return void process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
  process.stdout.write("VERDICT  IMAGE  TAGS  AGE  BASE  SIGNER  REASONS\n");
  for (const r of rows)
    process.stdout.write(
      `${r.verdict.toUpperCase().padEnd(7)}  ${r.image}  ${r.tags.map((t) => t.tag).join(",") || "-"}  ${r.ageDays ?? "?"}d  ${r.base ?? "-"}  ${r.signer ?? "-"}  ${r.reasons.map((x) => `[${x.policy}/${x.rule}] ${x.message}`).join("; ") || "-"}\n`,
    );
}

async function show(image: string, flags: ListFlags): Promise<void> {
  const format = parseFormat(flags.format);
  const found = await withStore(flags, async (s) => {
    const all = await allImages(s);
    const byTag = /^(.+?):([\w][\w.-]*)$/.exec(image);
    const matches = all.filter(
      (i) => `${i.registry}/${i.repository}@${i.digest}` === image || i.digest === image,
    );
    if (!matches.length && byTag) {
      for (const i of all) {
        if (`${i.registry}/${i.repository}` !== byTag[1]) continue;
        const tags = await tagsOf(s, i.registry, i.repository);
        const current = tags.filter((t) => t.tag === byTag[2]).sort((a, b) => b.lastSeen - a.lastSeen)[0];
        if (current?.digest === i.digest) matches.push(i);
      }
    }
    return Promise.all(matches.map((i) => describeImage(s, i)));
  });
  if (!found.length)
    throw new PolicyError("POLICY_INVALID", `${image}: not in the catalog (bulwark registry scan first)`);
  if (format === "json") return void process.stdout.write(JSON.stringify(found, null, 2) + "\n");
  for (const r of found) {
    process.stdout.write(
      `${r.image}\n  verdict: ${r.verdict}\n  created: ${r.created ?? "?"} (${r.ageDays ?? "?"} days)\n`,
    );
    process.stdout.write(`  base: ${r.base ?? "-"}\n  signer: ${r.signer ?? "-"}\n`);
    for (const t of r.tags) process.stdout.write(`  tag ${t.tag}: ${t.firstSeen} .. ${t.lastSeen}\n`);
    for (const x of r.reasons) process.stdout.write(`  reason [${x.policy}/${x.rule}] ${x.message}\n`);
    for (const h of r.history)
      process.stdout.write(`  changed ${h.at}: ${h.before} -> ${h.after} (database ${h.dbVersion})\n`);
  }
}

async function rematch(flags: PolicyFlags & StoreFlags, cmd: Command): Promise<void> {
  const ctx = await catalogContext(cmd, flags);
  try {
    const r = await rematchCatalog(ctx);
    if (parseFormat(flags.format) === "json")
      return void process.stdout.write(JSON.stringify(r, null, 2) + "\n");
    for (const c of r.changes)
      process.stdout.write(
        `${c.image}: ${c.before} -> ${c.after}${c.reasons.length ? ` (${c.reasons.join("; ")})` : ""}\n`,
      );
    process.stdout.write(
      `database ${r.dbVersion}: ${r.rematched} of ${r.inventories} inventories re-matched, ${r.images} images judged, ${r.changes.length} verdicts changed\n`,
    );
  } finally {
    await ctx.close();
  }
}

/** `bulwark catalog list|show|rematch`. */
export function registerCatalog(program: Command): void {
  const catalog = program
    .command("catalog")
    .description("the images `registry scan` catalogued, with verdicts");
  addStoreFlags(
    catalog.command("list").description("every catalogued image: verdict, reasons, age, base, signer"),
  )
    .option("--format <format>", "table or json", "table")
    .action((f: ListFlags) => list(f));
  addStoreFlags(
    catalog
      .command("show")
      .argument("<image>")
      .description("one image by registry/repo@digest, registry/repo:tag or digest"),
  )
    .option("--format <format>", "table or json", "table")
    .action((image: string, f: ListFlags) => show(image, f));
  addStoreFlags(
    addPolicyFlags(
      catalog
        .command("rematch")
        .description("after `bulwark db update`: re-match stored inventories, report changed verdicts"),
    ),
  )
    .option("--format <format>", "table or json", "table")
    .action((f: PolicyFlags & StoreFlags, c: Command) => rematch(f, c));
}
