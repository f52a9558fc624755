// Linking a connector whose auth is `{"type": "oauth2", "grant": "client_credentials"}`: the
// client id and secret come from the Hub form (or the profile's setup), the token is minted
// server-side, discovery runs with it, and the caller runs the test action and stores the result.
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { OAuth2Auth } from '../../../connectors/schema.js';
import type { ProviderTarget } from '../../connector-profiles/target.js';
import { discover, withDiscovered } from './discovery.js';
import {
  clientCredentials,
  clientCredentialsGrant,
  clientCredentialsParams,
  TokenEndpointError,
  tokenClient,
  type Grant,
} from './token-endpoint.js';

/**
 * Mints a token with the client credentials of a connection. `current` is what is stored beside
 * the token already (a re-mint keeps it). A refusal or an unreachable token endpoint throws the
 * `TokenEndpointError`; a URL or template the profile gets wrong throws an `AppError`.
 */
export function mintClientToken(
  deps: Deps,
  target: ProviderTarget,
  auth: OAuth2Auth,
  current: Record<string, unknown> = {},
): Promise<Grant> {
  return clientCredentialsGrant(
    tokenClient(deps, target, auth),
    clientCredentialsParams(target, auth),
    current,
  );
}

/**
 * The link-time half: the client id and secret must be there, the token is minted, and the
 * connector's `post_auth` discovery runs with it. A failure throws an `AppError` (400) in plain
 * words; nothing is stored.
 */
export async function linkClientCredentials(
  deps: Deps,
  target: ProviderTarget,
  auth: OAuth2Auth,
): Promise<Grant> {
  const name = target.connector.name;
  const client = clientCredentials(auth, target.config, target.setup);
  if (!client.id || !client.secret)
    throw new AppError(
      auth.client_from === 'setup' ? 'PROFILE_MISCONFIGURED' : 'INVALID_INPUT',
      `${name} needs a client id and a client secret`,
    );
  let grant: Grant;
  try {
    grant = await mintClientToken(deps, target, auth);
  } catch (err) {
    if (!(err instanceof TokenEndpointError)) throw err;
    deps.log.info(
      { provider: target.connector.key, code: err.code, err: err.cause },
      'client credentials refused',
    );
    // The endpoint's own refusal carries its status; no status means it could not be reached.
    const status = (err.cause as { status?: unknown } | undefined)?.status;
    const refused = typeof status === 'number';
    throw new AppError(refused ? 'CREDENTIALS_REJECTED' : 'CREDENTIALS_UNCHECKED', err.description, {
      provider: { ...(refused ? { status } : {}), error: err.code },
      cause: err,
    });
  }
  if (auth.post_auth.length === 0) return grant;
  const found = await discover(deps, { ...target, credentials: grant.credentials }, auth.post_auth);
  return { ...grant, credentials: withDiscovered(grant.credentials, found) };
}
