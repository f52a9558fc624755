import type { Deps } from '../deps.js';
import type { AccountRow } from '../accounts/row.js';
import { getProfile } from '../connector-profiles/profiles.js';
import {
  PROVIDER_TIMEOUT_MS,
  type ProviderTarget,
  resolveUrl,
  templateContext,
} from '../connector-profiles/target.js';
import { clientCredentials, type OAuthCredentials } from '../linking/oauth2/token-endpoint.js';
import type { OAuth2Auth } from '../../connectors/schema.js';
import { render } from '../../connectors/templating.js';
import { targetOf } from './account-target.js';

/**
 * The revocation request as the connector declares it (`revoke_request`): the token as a form
 * (RFC 7009) or JSON body, the fixed `token_request.headers`, and the client's credentials when
 * `client_auth` is on (HTTP Basic with the RFC 6749 §2.3.1 encoding, or in the body).
 */
export function revocationRequest(
  auth: OAuth2Auth,
  target: ProviderTarget,
  token: string,
): { headers: Record<string, string>; body: string } {
  const ctx = templateContext(target);
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(auth.token_request.headers).map(([k, v]) => [k, render(v, ctx)]),
  );
  const params: Record<string, string> = { token };
  if (auth.revoke_request.client_auth) {
    const client = clientCredentials(auth, target.config, target.setup);
    if (auth.token_auth === 'client_secret_basic') {
      const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${enc(client.id)}:${enc(client.secret)}`).toString('base64')}`;
    } else Object.assign(params, { client_id: client.id, client_secret: client.secret });
  }
  if (auth.revoke_request.body_format === 'json')
    return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(params) };
  return {
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  };
}

/**
 * Best effort: tells the provider to revoke a deleted account's tokens where the connector has a
 * revoke URL (`revocationRequest`). Never blocks or fails deletion.
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
    // The account's own values (its secrets included) and where it was linked.
    const target = targetOf(deps, account, profile);
    const creds = target.credentials as OAuthCredentials;
    const token = creds.refresh_token ?? creds.access_token;
    const url = resolveUrl(deps, target, 'revoke_url');
    const request = revocationRequest(profile.connector.auth, target, token);
    const res = await deps.fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
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
