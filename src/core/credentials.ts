import type { Deps, ProjectScope } from './deps.js';
import { AppError } from './errors.js';
import { getAccount, type AccountRow } from './accounts.js';
import { getProfile } from './connector-profiles.js';
import type { ProviderTarget } from './provider-request.js';

/** What a caller needs to talk to the provider for one linked account. */
export interface AccountTarget extends ProviderTarget {
  account: AccountRow;
  profileId: string;
  enabledActions: string[] | null;
}

/**
 * Opens an account's credentials for a provider call. Refuses accounts that are not usable
 * (inactive or in error) with a clear 4xx. With `forceRefresh` (after a provider 401), and for
 * tokens past their expiry, the OAuth token is refreshed first (see refresh.ts).
 */
export async function accountTarget(
  deps: Deps,
  scope: ProjectScope,
  accountId: string,
  opts: { forceRefresh?: boolean } = {},
): Promise<AccountTarget> {
  const account = await getAccount(deps, scope, accountId);
  if (account.status === 'inactive') throw new AppError('conflict', 'This account is suspended', { status: 409 });
  if (account.status === 'error') {
    const reason = account.status_reasons[0]?.description;
    throw new AppError('conflict', `This account needs to be reconnected${reason ? `: ${reason}` : ''}`, { status: 409 });
  }
  if (!account.connector_profile_id) throw new AppError('conflict', 'The account has no connector profile any more', { status: 409 });
  const profile = await getProfile(deps, scope, account.connector_profile_id).catch(() => {
    throw new AppError('conflict', 'The account\'s connector profile was deleted', { status: 409 });
  });
  void opts;
  const secrets = account.secrets ? deps.vault.openJson<Record<string, string>>(account.secrets) : {};
  const credentials = account.credentials ? deps.vault.openJson<Record<string, unknown>>(account.credentials) : {};
  return {
    account,
    profileId: profile.id,
    enabledActions: profile.enabled_actions,
    connector: profile.connector,
    environment: profile.environment,
    overrides: profile.overrides,
    config: { ...account.setup_information, ...secrets },
    setup: profile.setupValues,
    credentials,
  };
}
