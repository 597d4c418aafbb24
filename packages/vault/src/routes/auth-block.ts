import type { TokenEntry } from "../auth/tokens.js";

/** The `auth` block of a Vault login or token-create answer, as Vault clients parse it. */
export function authBlock(
  token: string,
  e: TokenEntry,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const policies = e.policies;
  return {
    client_token: token,
    accessor: e.accessor,
    policies,
    token_policies: policies,
    metadata: Object.keys(e.meta).length ? e.meta : null,
    lease_duration: e.creationTtl,
    renewable: e.renewable,
    entity_id: "",
    token_type: "service",
    orphan: e.orphan,
    ...extra,
  };
}
