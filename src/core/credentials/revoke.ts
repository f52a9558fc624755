import type { Deps } from '../deps.js';
import type { AccountRow } from '../accounts/row.js';
import { getProfile } from '../connector-profiles/profiles.js';
import { PROVIDER_TIMEOUT_MS, resolveUrl } from '../connector-profiles/target.js';
import type { OAuthCredentials } from '../linking/oauth2/token-endpoint.js';

/**
 * Best effort: tells the provider to revoke a deleted account's tokens (RFC 7009 style,
 * `token=` form post) where the connector has a revoke URL. Never blocks or fails deletion.
 */
export async function revokeTokens(deps: Deps, account: AccountRow): Promise<void> {
  try {
    if (!account.credentials || !account.connector_profile_id) return;
    const profile = await getProfile(
      deps,
      { projectId: account.project_id, organizationId: 0 },
      account.connector_profile_id,
    ).catch(() => null);
    if (
      profile?.connector.auth.type !== 'oauth2' ||
      (!profile.connector.auth.revoke_url && !account.endpoint_overrides.revoke_url)
    )
      return;
    const creds = deps.vault.openJson<OAuthCredentials>(account.credentials);
    const token = creds.refresh_token ?? creds.access_token;
    const url = resolveUrl(
      deps,
      {
        connector: profile.connector,
        environment: profile.environment,
        overrides: account.endpoint_overrides,
        config: account.setup_information,
        setup: profile.setupValues,
        credentials: creds,
      },
      'revoke_url',
    );
    const res = await deps.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    deps.log.info(
      { account: account.id, provider: account.provider, status: res.status },
      'revoked provider tokens of a deleted account',
    );
  } catch (err) {
    deps.log.warn(
      { account: account.id, provider: account.provider, err: (err as Error).message },
      'could not revoke provider tokens of a deleted account',
    );
  }
}
