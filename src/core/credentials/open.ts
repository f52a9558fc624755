import type { Deps, ProjectScope } from '../deps.js';
import { AppError } from '../errors.js';
import { getAccount } from '../accounts/accounts.js';
import type { AccountRow } from '../accounts/row.js';
import { getProfile, type ConnectorProfile } from '../connector-profiles/profiles.js';
import { refreshAccount } from './refresh.js';
import { type AccountTarget, targetOf } from './account-target.js';
import type { OAuthCredentials } from '../linking/oauth2/token-endpoint.js';
import type { Connector } from '../../connectors/schema.js';

export { type AccountTarget, targetOf } from './account-target.js';

/** Tokens this close to expiry are refreshed before use rather than sent and refused. */
const EXPIRY_SKEW_MS = 30_000;

/**
 * Opens an account's credentials for a provider call. Refuses accounts that are not usable
 * (inactive or in error) with a clear 4xx. With `forceRefresh` (after a provider 401), and for
 * tokens past their expiry, the OAuth token is refreshed first (see refresh.ts).
 */
export async function accountTarget(
  deps: Deps,
  scope: ProjectScope,
  accountId: string,
  opts: RefreshOptions = {},
): Promise<AccountTarget> {
  let account = await getAccount(deps, scope, accountId);
  if (account.status === 'inactive') throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended');
  if (account.status === 'error') {
    const reason = account.status_reasons[0]?.description;
    throw new AppError(
      'ACCOUNT_NEEDS_RECONNECT',
      `This account needs to be reconnected${reason ? `: ${reason}` : ''}`,
    );
  }
  if (!account.connector_profile_id)
    throw new AppError('ACCOUNT_PROFILE_GONE', 'The account has no connector profile any more');
  const profile = await getProfile(deps, scope, account.connector_profile_id).catch(() => {
    throw new AppError('ACCOUNT_PROFILE_GONE', "The account's connector profile was deleted");
  });
  account = await freshen(deps, scope, account, opts, profile.connector);
  return targetOf(deps, account, profile);
}

export interface RefreshOptions {
  /** The provider refused a token (401): refresh unless someone already replaced it. */
  forceRefresh?: boolean;
  /**
   * The access token the refused request carried. The refresher compares it, under the row
   * lock, with the stored one: a caller whose 401 arrives after another caller's refresh has
   * committed finds them different and uses the new token instead of refreshing again. (Comparing
   * with a token re-read from the database would always match, and refresh twice.)
   */
  rejectedToken?: string;
}

/** Refreshes the token first when it is (nearly) expired or the provider just refused it. */
async function freshen(
  deps: Deps,
  scope: ProjectScope,
  account: AccountRow,
  opts: RefreshOptions,
  connector: Connector,
): Promise<AccountRow> {
  if (!account.credentials) return account;
  const force = opts.forceRefresh ?? false;
  const expiring =
    account.token_expires_at !== null &&
    account.token_expires_at.getTime() - EXPIRY_SKEW_MS <= deps.clock().getTime();
  if (!force && !expiring) return account;
  const creds = deps.vault.openJson<OAuthCredentials>(account.credentials);
  // A client-credentials token has no refresh token: it is minted again instead.
  const minted = connector.auth.type === 'oauth2' && connector.auth.grant === 'client_credentials';
  if (!creds.refresh_token && !minted && !force) return account;
  const stale = force && opts.rejectedToken !== undefined ? opts.rejectedToken : creds.access_token;
  await refreshAccount(deps, account.id, stale);
  return getAccount(deps, scope, account.id);
}
