import type { Migration } from "@bulwark/store";

/**
 * The catalog's tables (prefix `catalog_`). A digest is scanned once (`catalog_digests`);
 * each repository it appears in gets its own verdict (`catalog_images`: the registries rule
 * and exceptions depend on the name); tags are mutable, so `catalog_tags` records which tag
 * pointed at which digest and when.
 */
export const catalogMigrations: readonly Migration[] = [
  {
    id: "001-catalog",
    sql: `
CREATE TABLE catalog_digests (
  digest TEXT PRIMARY KEY,
  created TEXT,
  diff_ids TEXT NOT NULL,
  base_name TEXT,
  inventory TEXT NOT NULL,
  other_findings TEXT NOT NULL,
  vuln_findings TEXT NOT NULL,
  db_version TEXT NOT NULL,
  scanned_at BIGINT NOT NULL
);
CREATE TABLE catalog_images (
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reasons TEXT NOT NULL,
  signatures TEXT NOT NULL,
  signer TEXT,
  policy_version TEXT NOT NULL,
  judged_at BIGINT NOT NULL,
  PRIMARY KEY (registry, repository, digest)
);
CREATE TABLE catalog_tags (
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  PRIMARY KEY (registry, repository, tag, digest)
);
CREATE INDEX catalog_tags_digest ON catalog_tags (digest);
`,
  },
  {
    // `bulwark db update` re-judges the catalog on its own, so the catalog remembers which
    // policy files judged it last; each verdict a re-match changed is kept as history.
    id: "002-rematch",
    sql: `
CREATE TABLE catalog_policy (
  id TEXT PRIMARY KEY,
  files TEXT NOT NULL,
  version TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE TABLE catalog_verdict_changes (
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  before_verdict TEXT NOT NULL,
  after_verdict TEXT NOT NULL,
  reasons TEXT NOT NULL,
  db_version TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);
CREATE INDEX catalog_verdict_changes_image ON catalog_verdict_changes (registry, repository, digest);
`,
  },
];
