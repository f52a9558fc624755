import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { transaction, type Queryable } from '../../store/db.js';
import type { AccountRow, StatusReason } from '../accounts/row.js';
import { getProfile, type ConnectorProfile } from '../connector-profiles/profiles.js';
import { ownsUrl, type ProviderTarget } from '../connector-profiles/target.js';
import {
  clientCredentialsGrant,
  clientCredentialsParams,
  refreshGrant,
  TokenEndpointError,
  tokenClient,
  type Grant,
  type OAuthCredentials,
} from '../linking/oauth2/token-endpoint.js';
import { urlPolicyViolation } from '../network-policy.js';
import { emitAccountEvent } from '../webhooks/events.js';
import { nextRefreshAt, retryAfterFailure } from './schedule.js';

/** OAuth errors after which the refresh token will never work again. */
const DEFINITIVE = new Set([
  'invalid_grant',
  'invalid_client',
  'unauthorized_client',
  'unsupported_grant_type',
]);
/** A refresher waits this long for another one to finish (it holds the row for ≤ 10 s + commit). */
const LOCK_TIMEOUT = '20s';

export type RefreshOutcome = 'refreshed' | 'already_fresh' | 'not_due';

/** One refresh per account at a time inside a process; PostgreSQL serialises across processes. */
const inFlight = new WeakMap<Deps, Map<string, Promise<RefreshOutcome>>>();

/**
 * Refreshes an account's OAuth token, exactly once per expiry across all processes:
 * a row lock (`FOR UPDATE`) serialises refreshers, and each one re-reads the credentials under
 * the lock — if the access token it saw as stale was already replaced, it does nothing. The
 * rotated refresh token is committed before the lock is released, so no one can use the old
 * one. A crashed refresher's transaction dies with its connection, releasing the lock.
 *
 * @param stale the access token the caller found expired or rejected; `null` for the worker's
 *   "refresh if still due" mode.
 */
export function refreshAccount(deps: Deps, accountId: string, stale: string | null): Promise<RefreshOutcome> {
  let map = inFlight.get(deps);
  if (!map) {
    map = new Map();
    inFlight.set(deps, map);
  }
  const existing = map.get(accountId);
  if (existing) return existing;
  const run = doRefresh(deps, accountId, stale).finally(() => map!.delete(accountId));
  map.set(accountId, run);
  return run;
}

async function doRefresh(deps: Deps, accountId: string, stale: string | null): Promise<RefreshOutcome> {
  const failure = await transaction(deps.db, async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    // A refresher that hangs must not hold the row forever.
    await tx.query("SET LOCAL idle_in_transaction_session_timeout = '30s'");
    const { rows } = await tx.query<AccountRow & { next_refresh_at: Date | null; refresh_failures: number }>(
      'SELECT * FROM accounts WHERE id = $1 FOR UPDATE',
      [accountId],
    );
    const account = rows[0];
    if (account?.status !== 'active' || !account.credentials)
      return { outcome: 'not_due' as const, provider: account?.provider ?? 'unknown' };
    const now = deps.clock();
    const creds = deps.vault.openJson<OAuthCredentials>(account.credentials);
    if (stale === null) {
      if (!account.next_refresh_at || account.next_refresh_at.getTime() > now.getTime())
        return { outcome: 'not_due' as const, provider: account?.provider ?? 'unknown' };
    } else if (creds.access_token !== stale) {
      return { outcome: 'already_fresh' as const, provider: account.provider };
    }
    const profile = account.connector_profile_id
      ? await getProfile(
          deps,
          { projectId: account.project_id, organizationId: 0 },
          account.connector_profile_id,
          tx,
        ).catch(() => null)
      : null;
    if (profile?.connector.auth.type !== 'oauth2')
      return { outcome: 'not_due' as const, provider: account?.provider ?? 'unknown' };
    const auth = profile.connector.auth;
    const minted = auth.grant === 'client_credentials';
    if (!minted && !creds.refresh_token) {
      await markError(
        deps,
        tx,
        account,
        'no_refresh_token',
        `${profile.connector.name} issued no refresh token: reconnect the account`,
      );
      return {
        provider: account.provider,
        error: new AppError('ACCOUNT_NEEDS_RECONNECT', 'The account needs to be reconnected'),
      };
    }
    const secrets = account.secrets ? deps.vault.openJson<Record<string, string>>(account.secrets) : {};
    const config = { ...account.setup_information, ...secrets };
    const target: ProviderTarget = {
      connector: profile.connector,
      environment: profile.environment,
      overrides: account.endpoint_overrides,
      config,
      setup: profile.setupValues,
      credentials: creds,
    };
    let grant: Grant;
    try {
      const tc = tokenClient(deps, target, auth);
      // A client-credentials token has no refresh token: it is minted again, keeping what the link stored beside it.
      grant = minted
        ? await clientCredentialsGrant(tc, clientCredentialsParams(target, auth), creds)
        : await refreshGrant(tc, creds.refresh_token!, creds);
    } catch (err) {
      return grantFailed(deps, tx, account, profile, err, now);
    }

    const { credentials: next, expiresAt } = grant;
    if (typeof next.instance_url === 'string' && next.instance_url !== creds.instance_url) {
      if (
        urlPolicyViolation(next.instance_url, deps.settings.allowPrivateNetwork) ||
        !ownsUrl(target, next.instance_url)
      ) {
        await tx.query('UPDATE accounts SET credentials = $2 WHERE id = $1', [
          account.id,
          deps.vault.sealJson({ ...creds, refresh_token: next.refresh_token }),
        ]);
        await markError(
          deps,
          tx,
          account,
          'invalid_instance',
          `${profile.connector.name} returned an API host it does not own`,
        );
        return {
          provider: account.provider,
          error: new AppError('ACCOUNT_NEEDS_RECONNECT', 'The account needs to be reconnected'),
        };
      }
    }
    await tx.query(
      `UPDATE accounts SET credentials = $2, token_expires_at = $3, next_refresh_at = $4, last_refreshed_at = $5, refresh_failures = 0
       WHERE id = $1`,
      [
        account.id,
        deps.vault.sealJson(next),
        expiresAt,
        nextRefreshAt(profile.connector, now, expiresAt),
        now,
      ],
    );
    return { outcome: 'refreshed' as const, provider: account.provider };
  });
  if ('error' in failure) {
    deps.metrics.refreshes.inc({
      provider: failure.provider,
      outcome: failure.error.status === 409 ? 'invalid' : 'transient',
    });
    throw failure.error;
  }
  if (failure.outcome !== 'not_due')
    deps.metrics.refreshes.inc({ provider: failure.provider, outcome: failure.outcome });
  return failure.outcome;
}

/**
 * A refresh grant that failed: a refusal after which the refresh token will never work again
 * ends the account; anything else (outage, timeout, 5xx, odd answer) is retried later.
 */
async function grantFailed(
  deps: Deps,
  tx: Queryable,
  account: AccountRow & { refresh_failures: number },
  profile: ConnectorProfile,
  err: unknown,
  now: Date,
): Promise<{ provider: string; error: AppError }> {
  if (err instanceof TokenEndpointError && DEFINITIVE.has(err.code)) {
    await markError(deps, tx, account, err.code, err.description);
    return {
      provider: account.provider,
      error: new AppError(
        'ACCOUNT_NEEDS_RECONNECT',
        `The account needs to be reconnected: ${profile.connector.name} refused the refresh (${err.code})`,
      ),
    };
  }
  // Outage, timeout, 5xx, odd answer: keep the account active and try again later.
  const failures = account.refresh_failures + 1;
  await tx.query('UPDATE accounts SET refresh_failures = $2, next_refresh_at = $3 WHERE id = $1', [
    account.id,
    failures,
    retryAfterFailure(now, failures),
  ]);
  const cause = err instanceof TokenEndpointError ? err.cause : err;
  deps.log.warn(
    { account: account.id, provider: account.provider, failures, err: (cause as Error).message },
    'token refresh failed; will retry',
  );
  return {
    provider: account.provider,
    error: new AppError(
      'PROVIDER_ERROR',
      `${profile.connector.name} did not refresh the token; try again shortly`,
    ),
  };
}

/** Definitive credential failure: account `error`, a reason, and both webhooks — in one transaction. */
export async function markError(
  deps: Deps,
  tx: Queryable,
  account: AccountRow,
  code: string,
  description: string,
) {
  const reason: StatusReason = { code, description, timestamp: deps.clock().toISOString() };
  const { rows } = await tx.query<AccountRow>(
    `UPDATE accounts SET status = 'error', status_reasons = $2, next_refresh_at = NULL, next_check_at = NULL, updated_at = $3
     WHERE id = $1 RETURNING *`,
    [account.id, JSON.stringify([reason]), deps.clock()],
  );
  await emitAccountEvent(deps, tx, 'account.error', rows[0]!);
  await emitAccountEvent(deps, tx, 'account.updated', rows[0]!);
  deps.log.info(
    { account: account.id, provider: account.provider, code },
    'account credentials stopped working',
  );
}
