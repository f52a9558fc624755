import type { Deps, ProjectScope } from '../../deps.js';
import { resolveUrl, type ProviderTarget } from '../../connector-profiles/target.js';
import { getProfile } from '../../connector-profiles/profiles.js';
import { callbackUrl } from './authorize.js';
import { newToken } from '../../ids.js';
import { preflightAuthorize } from './preflight.js';

export type SetupCheck = { result: 'ok' | 'problem' | 'cannot_check'; message: string };

/**
 * `POST /connector_profiles/{id}/check`: asks the provider's authorize endpoint about the
 * profile's own client id, as the popup preflight would, without an end user. Only possible when
 * the client lives in the profile and the connector declares which answers mean "refused";
 * otherwise it says plainly why there is nothing to check.
 */
export async function checkProfileSetup(deps: Deps, scope: ProjectScope, id: string): Promise<SetupCheck> {
  const profile = await getProfile(deps, scope, id);
  const c = profile.connector;
  if (c.auth.type !== 'oauth2') {
    return {
      result: 'cannot_check',
      message: `${c.name} connects with each end user's own credentials, so there is nothing to check here.`,
    };
  }
  if (c.auth.client_from === 'config') {
    return {
      result: 'cannot_check',
      message: `${c.name} apps belong to each of your customers, so there is nothing to check here.`,
    };
  }
  if (!c.auth.authorize_preflight) {
    return {
      result: 'cannot_check',
      message: `Switchboard cannot check a ${c.name} client ID without someone signing in: ${c.name} does not document how its authorization page answers an unknown client ID. Link a test account from the Hub to try the setup.`,
    };
  }
  const clientId = profile.setupValues[c.auth.client_id_field];
  if (!clientId) return { result: 'problem', message: 'The profile has no Client ID.' };
  const target: ProviderTarget = {
    connector: c,
    environment: profile.environment,
    overrides: profile.overrides,
    config: {},
    setup: profile.setupValues,
    credentials: {},
  };
  const url = new URL(resolveUrl(deps, target, 'authorization_url'));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', callbackUrl(deps, c.key));
  url.searchParams.set('scope', c.auth.scopes.default);
  url.searchParams.set('state', newToken()); // never stored: no callback can complete it
  const check = await preflightAuthorize(deps, c, url.toString());
  if (check.refused) return { result: 'problem', message: check.description };
  if (check.status === null)
    return { result: 'cannot_check', message: `${c.name} did not answer in time. Try again in a moment.` };
  return { result: 'ok', message: `${c.name} accepts this Client ID and redirect URI.` };
}
