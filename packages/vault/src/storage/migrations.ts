/** The vault's tables (prefix `vault_`). Secret values live only as ciphertext. */
import type { Migration } from "../store.js";

export const vaultMigrations: readonly Migration[] = [
  {
    id: "0001-core",
    sql: `
CREATE TABLE vault_seal (
  id INTEGER PRIMARY KEY,
  shares INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  keyring TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE vault_mounts (
  path TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  options TEXT NOT NULL,
  config TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE vault_policies (
  name TEXT PRIMARY KEY,
  raw TEXT NOT NULL,
  updated BIGINT NOT NULL
);
CREATE TABLE vault_tokens (
  id_hash TEXT PRIMARY KEY,
  accessor TEXT NOT NULL UNIQUE,
  policies TEXT NOT NULL,
  meta TEXT NOT NULL,
  display_name TEXT NOT NULL,
  path TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  creation_ttl BIGINT NOT NULL,
  explicit_max_ttl BIGINT NOT NULL,
  renewable INTEGER NOT NULL,
  num_uses INTEGER NOT NULL,
  parent TEXT NOT NULL,
  orphan INTEGER NOT NULL
);
CREATE INDEX vault_tokens_parent ON vault_tokens (parent);
CREATE TABLE vault_approle_roles (
  mount TEXT NOT NULL,
  name TEXT NOT NULL,
  role_id TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,
  PRIMARY KEY (mount, name)
);
CREATE TABLE vault_approle_secret_ids (
  id_hash TEXT PRIMARY KEY,
  mount TEXT NOT NULL,
  role TEXT NOT NULL,
  accessor TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  uses_left INTEGER NOT NULL
);
CREATE TABLE vault_kv_meta (
  mount TEXT NOT NULL,
  path TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  oldest_version INTEGER NOT NULL,
  max_versions INTEGER NOT NULL,
  cas_required INTEGER NOT NULL,
  delete_version_after BIGINT NOT NULL,
  custom_metadata TEXT NOT NULL,
  created BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  PRIMARY KEY (mount, path)
);
CREATE TABLE vault_kv_versions (
  mount TEXT NOT NULL,
  path TEXT NOT NULL,
  version INTEGER NOT NULL,
  created BIGINT NOT NULL,
  deletion BIGINT NOT NULL,
  destroyed INTEGER NOT NULL,
  kek_version INTEGER NOT NULL,
  wrapped_key TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  PRIMARY KEY (mount, path, version)
);
CREATE INDEX vault_kv_versions_kek ON vault_kv_versions (kek_version);
CREATE TABLE vault_kv_fingerprints (
  fingerprint TEXT NOT NULL,
  mount TEXT NOT NULL,
  path TEXT NOT NULL,
  version INTEGER NOT NULL,
  field TEXT NOT NULL,
  PRIMARY KEY (fingerprint, mount, path, version, field)
);
CREATE TABLE vault_leases (
  lease_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE TABLE vault_access (
  mount TEXT NOT NULL,
  path TEXT NOT NULL,
  identity TEXT NOT NULL,
  first_read BIGINT NOT NULL,
  last_read BIGINT NOT NULL,
  reads BIGINT NOT NULL,
  PRIMARY KEY (mount, path, identity)
);
`,
  },
  {
    id: "0002-database",
    sql: `
CREATE TABLE vault_db_configs (
  mount TEXT NOT NULL,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY (mount, name)
);
CREATE TABLE vault_db_roles (
  mount TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY (mount, name)
);
`,
  },
  {
    id: "0003-wrapping",
    sql: `
CREATE TABLE vault_wrapped (
  id_hash TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  creation_path TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
`,
  },
  {
    id: "0004-unseal-methods",
    sql: `
CREATE TABLE vault_unseal_methods (
  kind TEXT PRIMARY KEY,
  params TEXT NOT NULL,
  wrapped TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE vault_audit_anchor (
  id TEXT PRIMARY KEY,
  lines BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  hash TEXT NOT NULL,
  mac TEXT NOT NULL,
  updated BIGINT NOT NULL
);
`,
  },
];
