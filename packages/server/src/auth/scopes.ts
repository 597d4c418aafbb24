/** What a request may do. A token has one scope; a user's role grants several. */
export type Scope = "ingest" | "read" | "admin";
export const TOKEN_SCOPES: readonly Scope[] = ["ingest", "read", "admin"];

export type Role = "admin" | "security" | "developer" | "agent";
export const ROLES: readonly Role[] = ["admin", "security", "developer", "agent"];

export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: ["admin", "read", "ingest"],
  security: ["read", "ingest"],
  developer: ["read"],
  agent: ["ingest"],
};

/** Scopes a token of scope `scope` holds: admin implies the others; ingest and read stay apart. */
export function tokenScopes(scope: Scope): readonly Scope[] {
  return scope === "admin" ? ["admin", "read", "ingest"] : [scope];
}

export interface Principal {
  /** "user:NAME", "token:NAME" — what the audit log records. */
  actor: string;
  scopes: readonly Scope[];
  via: "session" | "token";
  userId?: string;
  csrf?: string;
}
