// The OAuth token endpoint: the stored token shape and what every token call shares (the
// callback's code exchange and the refresh worker's refresh grant).
import * as oauth from 'oauth4webapi';
import type { Deps } from '../../deps.js';
import type { ConnectorProfile } from '../../connector-profiles/profiles.js';
import type { OAuth2Auth } from '../../../connectors/schema.js';
import { excerpt, PROVIDER_TIMEOUT_MS, translateProviderError } from '../../connector-profiles/target.js';

/** Tokens as stored (sealed) with an account. */
export interface OAuthCredentials {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  scope?: string;
  expires_at?: string | null;
  [kept: string]: unknown;
}

export function tokenExpiry(deps: Deps, auth: OAuth2Auth, expiresIn: number | undefined): Date | null {
  const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : auth.default_expires_in;
  return seconds ? new Date(deps.clock().getTime() + seconds * 1000) : null;
}

/** oauth4webapi options shared by token calls: timeout, our fetch, http only when private networks are allowed. */
export function tokenRequestOptions(deps: Deps) {
  return {
    signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    [oauth.customFetch]: deps.fetch,
    ...(deps.settings.allowPrivateNetwork ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** Turns a token-endpoint failure into the provider's words (translated when the connector knows them). */
export function tokenError(
  profile: ConnectorProfile,
  err: unknown,
  secrets: string[],
): { code: string; description: string } {
  if (err instanceof oauth.ResponseBodyError) {
    const said = err.error_description ?? err.error;
    return {
      code: err.error,
      description:
        translateProviderError(profile.connector, err.error, said) ?? `${profile.connector.name}: ${said}`,
    };
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError || err instanceof oauth.OperationProcessingError) {
    return {
      code: 'token_error',
      description: `${profile.connector.name} answered the token request unexpectedly: ${excerpt(err.message, secrets)}`,
    };
  }
  const name = (err as Error)?.name;
  return {
    code: 'token_error',
    description: `Could not reach ${profile.connector.name}${name === 'TimeoutError' ? ': timed out' : ''}`,
  };
}
