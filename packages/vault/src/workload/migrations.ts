/**
 * Tables of the workload auth method (`auth/workload`), a migration subsystem of their own
 * ("vault_workload") so they evolve apart from the core vault tables.
 */
import type { Migration } from "../store.js";

export const workloadMigrations: readonly Migration[] = [
  {
    id: "0001-workload",
    sql: `
CREATE TABLE vault_workload_config (
  mount TEXT PRIMARY KEY,
  config TEXT NOT NULL
);
CREATE TABLE vault_workload_roles (
  mount TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  PRIMARY KEY (mount, name)
);
CREATE TABLE vault_workload_used (
  jti_hash TEXT PRIMARY KEY,
  expires BIGINT NOT NULL
);
`,
  },
];
