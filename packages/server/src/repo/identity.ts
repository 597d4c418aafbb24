import { type Store, isUniqueViolation } from "@bulwark/store";
import { hashPassword, hashSecret, newId, newSecret, verifyPassword } from "../auth/secrets.js";
import {
  ROLES,
  ROLE_SCOPES,
  TOKEN_SCOPES,
  tokenScopes,
  type Principal,
  type Role,
  type Scope,
} from "../auth/scopes.js";
import { ServerError } from "../errors.js";

const SESSION_MS = 8 * 3600_000;
const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  password_hash: string | null;
}

export function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new ServerError("USAGE", `unknown role "${role}" (expected ${ROLES.join(", ")})`);
  }
  return role as Role;
}

export function checkScope(scope: string): Scope {
  if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
    throw new ServerError("USAGE", `unknown scope "${scope}" (expected ${TOKEN_SCOPES.join(", ")})`);
  }
  return scope as Scope;
}

function checkName(name: string): string {
  if (!NAME.test(name))
    throw new ServerError("USAGE", "a name is 1-64 letters, digits, '.', '_', '@' or '-'");
  return name;
}

export async function createUser(
  store: Store,
  name: string,
  role: string,
  password?: string,
): Promise<UserRow> {
  const user: UserRow = {
    id: newId(),
    name: checkName(name),
    role: checkRole(role),
    password_hash: password ? await hashPassword(password) : null,
  };
  try {
    await store.exec(
      "INSERT INTO users (id, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
      [user.id, user.name, user.role, user.password_hash, Date.now()],
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServerError("CONFLICT", `user ${name} already exists`);
    throw e;
  }
  return user;
}

export async function setPassword(store: Store, userId: string, password: string): Promise<void> {
  await store.exec("UPDATE users SET password_hash = $1 WHERE id = $2", [
    await hashPassword(password),
    userId,
  ]);
}

export async function countUsers(store: Store): Promise<number> {
  const [row] = await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM users");
  return row?.n ?? 0;
}

/** Creates a token and returns its secret, which is shown once and never stored. */
export async function createToken(
  store: Store,
  opts: { scope: string; name?: string; userId?: string; oneTime?: boolean },
): Promise<{ id: string; secret: string; name: string; scope: string }> {
  const scope = opts.oneTime ? "setup" : checkScope(opts.scope);
  const secret = newSecret(opts.oneTime ? "bwsetup" : "bwk");
  const id = newId();
  const name = checkName(opts.name ?? `${scope}-${id.slice(0, 6)}`);
  await store.exec(
    "INSERT INTO api_tokens (id, name, scope, secret_hash, user_id, one_time, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [id, name, scope, hashSecret(secret), opts.userId ?? null, opts.oneTime ? 1 : 0, Date.now()],
  );
  return { id, secret, name, scope };
}

/** A valid, unrevoked API token (never a setup token) as a principal. */
export async function principalForToken(store: Store, secret: string): Promise<Principal | undefined> {
  const [row] = await store.query<{ name: string; scope: string }>(
    "SELECT name, scope FROM api_tokens WHERE secret_hash = $1 AND revoked_at IS NULL AND one_time = 0",
    [hashSecret(secret)],
  );
  if (!row) return undefined;
  return { actor: `token:${row.name}`, scopes: tokenScopes(row.scope as Scope), via: "token" };
}

/**
 * First start: when no user exists and no unused setup token is pending, make one. Returns
 * the secret to print, or undefined. Several instances starting together race on the insert.
 */
export async function ensureSetupToken(store: Store): Promise<string | undefined> {
  return store.transaction(async (tx) => {
    if ((await countUsers(tx)) > 0) return undefined;
    const [pending] = await tx.query(
      "SELECT id FROM api_tokens WHERE one_time = 1 AND used_at IS NULL AND revoked_at IS NULL",
    );
    if (pending) return undefined;
    return (await createToken(tx, { scope: "setup", name: "first-run-setup", oneTime: true })).secret;
  });
}

/** Spends the setup token (once: the UPDATE only matches an unused one) and creates the first admin. */
export async function completeSetup(
  store: Store,
  secret: string,
  name: string,
  password: string,
): Promise<UserRow> {
  return store.transaction(async (tx) => {
    const spent = await tx.exec(
      "UPDATE api_tokens SET used_at = $1 WHERE secret_hash = $2 AND one_time = 1 AND used_at IS NULL AND revoked_at IS NULL",
      [Date.now(), hashSecret(secret)],
    );
    if (spent.changes !== 1)
      throw new ServerError("UNAUTHENTICATED", "setup token is invalid or already used");
    return createUser(tx, name, "admin", password);
  });
}

export async function login(
  store: Store,
  name: string,
  password: string,
): Promise<{ session: string; csrf: string; user: UserRow } | undefined> {
  const [user] = await store.query<UserRow>(
    "SELECT id, name, role, password_hash FROM users WHERE name = $1",
    [name],
  );
  // Verify against a dummy hash when the user is unknown, so timing does not reveal user names.
  const stored = user?.password_hash ?? (await dummyHash());
  const ok = await verifyPassword(stored, password);
  if (!user || !user.password_hash || !ok) return undefined;
  const session = newSecret("bws");
  const csrf = newSecret("csrf");
  const now = Date.now();
  await store.exec(
    "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    [hashSecret(session), user.id, csrf, now, now + SESSION_MS],
  );
  return { session, csrf, user };
}

export async function logout(store: Store, session: string): Promise<void> {
  await store.exec("DELETE FROM sessions WHERE id_hash = $1", [hashSecret(session)]);
}

export async function principalForSession(store: Store, session: string): Promise<Principal | undefined> {
  const [row] = await store.query<{
    name: string;
    role: Role;
    user_id: string;
    csrf: string;
    expires_at: number;
  }>(
    `SELECT u.name, u.role, s.user_id, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = $1`,
    [hashSecret(session)],
  );
  if (!row || row.expires_at < Date.now()) return undefined;
  return {
    actor: `user:${row.name}`,
    scopes: ROLE_SCOPES[row.role],
    via: "session",
    userId: row.user_id,
    csrf: row.csrf,
  };
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword("not a password");
  return dummy;
}
