import type { Migration } from "@bulwark/store";
import { rekeyFindingsByAsset } from "./repo/finding-key.js";

/** Server tables (unprefixed). Timestamps are BIGINT milliseconds; JSON is TEXT. */
export const serverMigrations: readonly Migration[] = [
  {
    id: "001-identity",
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  user_id TEXT REFERENCES users (id),
  one_time INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  used_at BIGINT,
  revoked_at BIGINT
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);`,
  },
  {
    id: "002-audit",
    sql: {
      sqlite: `
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  source TEXT,
  outcome INTEGER NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`,
      postgres: `
CREATE TABLE audit_log (
  seq BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  source TEXT,
  outcome INTEGER NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();`,
    },
  },
  {
    id: "003-inventory-findings",
    sql: `
CREATE TABLE images (
  asset TEXT PRIMARY KEY,
  digest TEXT,
  refs TEXT NOT NULL,
  os TEXT,
  layers TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL
);
CREATE TABLE inventories (
  asset TEXT PRIMARY KEY REFERENCES images (asset),
  packages TEXT NOT NULL,
  package_count INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE scans (
  id TEXT PRIMARY KEY,
  asset TEXT NOT NULL,
  target TEXT NOT NULL,
  source TEXT NOT NULL,
  scanners TEXT NOT NULL,
  generated_at TEXT,
  received_at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  finding_count INTEGER NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX scans_asset ON scans (asset, received_at);
CREATE TABLE findings (
  key TEXT PRIMARY KEY,
  asset TEXT NOT NULL,
  kind TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  package_name TEXT,
  package_version TEXT,
  fixed_version TEXT,
  kev INTEGER NOT NULL DEFAULT 0,
  epss REAL,
  cvss REAL,
  state TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  fixed_at BIGINT,
  reopened_at BIGINT,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  last_scan TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX findings_state_key ON findings (state, key);
CREATE INDEX findings_asset_key ON findings (asset, key);
CREATE INDEX findings_priority ON findings (state, kind, severity_rank);
CREATE TABLE finding_events (
  finding_key TEXT NOT NULL,
  scan_id TEXT NOT NULL,
  event TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (finding_key, scan_id, event)
);`,
  },
  {
    id: "004-runtime",
    sql: `
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  asset TEXT,
  node TEXT,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  message TEXT NOT NULL,
  at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX alerts_at ON alerts (at);
CREATE TABLE evidence (
  id TEXT PRIMARY KEY,
  asset TEXT NOT NULL,
  kind TEXT NOT NULL,
  observed_from BIGINT NOT NULL,
  observed_to BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX evidence_asset ON evidence (asset, kind);
CREATE TABLE server_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);`,
  },
  {
    // Versions of the findings and the API tokens, for what server instances cache in memory
    // (repo/versions.ts). SQLite needs no table: one connection writes, total_changes() tells.
    id: "005-data-versions",
    sql: {
      sqlite: "SELECT 1",
      postgres: `
CREATE TABLE data_versions (kind TEXT NOT NULL, slot INTEGER NOT NULL, v BIGINT NOT NULL, PRIMARY KEY (kind, slot));
INSERT INTO data_versions (kind, slot, v)
  SELECT k, s, 0 FROM unnest(ARRAY['findings', 'tokens']) AS k, generate_series(0, 15) AS s;
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_versions SET v = v + 1 WHERE kind = TG_ARGV[0] AND slot = pg_backend_pid() % 16;
  RETURN NULL;
END $$;
CREATE TRIGGER findings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON findings
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('findings');
CREATE TRIGGER tokens_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('tokens');`,
    },
  },
  {
    // The workloads' exposure found in scanned Kubernetes manifests, one row per scanned
    // target (a new scan of it replaces the row); joined with images by reference when ranked.
    id: "006-manifest-exposure",
    sql: `
CREATE TABLE manifest_exposure (
  source TEXT PRIMARY KEY,
  scan_id TEXT NOT NULL,
  items TEXT NOT NULL,
  received_at BIGINT NOT NULL
);`,
  },
  {
    // Finding keys start with their asset's hash, so one asset's findings sit together in the
    // indexes keyed by finding (see repo/finding-key.ts); stored keys are rewritten to match.
    id: "007-finding-keys-by-asset",
    run: rekeyFindingsByAsset,
  },
];
