// An account with its profile as a provider call's target: below the account and credential
// modules in the import graph, so revocation (called when an account is deleted) can use it.
import type { Deps } from '../deps.js';
import type { AccountRow } from '../accounts/row.js';
import type { ConnectorProfile } from '../connector-profiles/profiles.js';
import type { ProviderTarget } from '../connector-profiles/target.js';

/** What a caller needs to talk to the provider for one linked account. */
export interface AccountTarget extends ProviderTarget {
  account: AccountRow;
  profileId: string;
  enabledActions: string[] | null;
}

/** An account's credentials opened for a provider call, as stored (no refresh, no status check). */
export function targetOf(deps: Deps, account: AccountRow, profile: ConnectorProfile): AccountTarget {
  const secrets = account.secrets ? deps.vault.openJson<Record<string, string>>(account.secrets) : {};
  const credentials = account.credentials
    ? deps.vault.openJson<Record<string, unknown>>(account.credentials)
    : {};
  return {
    account,
    profileId: profile.id,
    enabledActions: profile.enabled_actions,
    connector: profile.connector,
    environment: profile.environment,
    // Where the account was linked, not where the profile points now (see 010_account_endpoints.sql).
    overrides: account.endpoint_overrides,
    config: { ...account.setup_information, ...secrets },
    setup: profile.setupValues,
    credentials,
  };
}
