// The end of the OAuth popup flow: the provider's redirect back, turned into a linked account.
import { type Deps, servesHttps } from '../../deps.js';
import { AppError, invalidInput } from '../../errors.js';
import { hashToken } from '../../ids.js';
import type { SessionRow } from '../connect-sessions.js';
import { getAttempt, finishAttempt } from '../connection-attempts.js';
import { reasonForError, type LinkFailureReason } from '../link-failures.js';
import { saveLinkedAccount, type LinkResult } from '../link-account.js';
import { getProfile, type ConnectorProfile } from '../../connector-profiles/profiles.js';
import type { OAuth2Auth } from '../../../connectors/schema.js';
import { splitSecrets } from '../../../connectors/fields.js';
import {
  ownsUrl,
  runTestAction,
  translateProviderError,
  type ProviderTarget,
} from '../../connector-profiles/target.js';
import { urlPolicyViolation } from '../../network-policy.js';
import { browserCookieName, callbackUrl, clientOf, sessionById, type SealedState } from './authorize.js';
import {
  codeGrant,
  TokenEndpointError,
  tokenClient,
  type AuthorizationResponse,
  type Grant,
} from './token-endpoint.js';
import { callbackSignatureValid, keptCallbackParams } from './callback-values.js';
import { discover, withDiscovered, type Discovered } from './discovery.js';
import { offerChoice, type OfferedChoice } from './choice.js';

export type CallbackOutcome =
  | { ok: true; returnTo: string; result: LinkResult; provider: string }
  | { ok: false; returnTo: string; code: string; description: string; provider: string }
  | { ok: 'choose'; choice: OfferedChoice; provider: string };

/** Where a link that got past the token exchange goes on: the parts it needs to finish. */
export interface LinkInProgress {
  attemptId: string;
  session: SessionRow;
  profile: ConnectorProfile;
  target: ProviderTarget;
  provider: string;
  returnTo: string;
  /** The end user's fields, as typed in the Hub (some secret). */
  config: Record<string, string>;
}

interface StateRow {
  attempt_id: string;
  connect_session_id: number;
  connector_profile_id: string;
  provider: string;
  return_to: string;
  sealed: string;
}

/** A refusal written to the attempt (and shown on the Hub's callback page). */
export interface Refusal {
  code: string;
  description: string;
  reason?: LinkFailureReason;
}

/**
 * `GET /connect/oauth2/{provider}/callback`: consumes the one-time state, checks the redirect's
 * signature when the connector has one, exchanges the code, keeps the tokens sealed (with the
 * connector's callback parameters and discovered values), runs the test action, creates or
 * updates the account and marks the attempt. Refusals of a bad state write nothing.
 *
 * @param query the whole callback query as received, for `callback_params` and `callback_hmac`.
 */
export async function completeOAuth(
  deps: Deps,
  provider: string,
  response: AuthorizationResponse,
  cookie: (name: string) => string | null,
  query: URLSearchParams = new URLSearchParams(),
): Promise<CallbackOutcome> {
  const row = await consumeState(deps, provider, response.state, cookie);
  const session = (await sessionById(deps, row.connect_session_id))!;
  const fail = (refusal: Refusal) =>
    failLink(deps, { attemptId: row.attempt_id, returnTo: row.return_to, provider }, refusal);
  const attempt = await getAttempt(deps, session, row.attempt_id);
  if (attempt.status !== 'pending') {
    const description = `The connection attempt was ${attempt.status}`;
    return { ok: false, returnTo: row.return_to, code: attempt.status, description, provider };
  }
  const profile = await liveProfile(deps, session, row.connector_profile_id);
  if ('code' in profile) return fail(profile);
  const sealed = deps.vault.openJson<SealedState>(row.sealed);
  const target = profileTarget(profile, sealed.config);

  const unsigned = signatureRefusal(profile, target, query);
  if (unsigned) return fail(unsigned);
  const kept = keptValues(profile, query);
  if ('code' in kept) return fail(kept);
  const exchanged = await exchangeCode(deps, provider, profile, target, response, sealed);
  if ('code' in exchanged) return fail(exchanged);
  const link: LinkInProgress = {
    attemptId: row.attempt_id,
    session,
    profile,
    target,
    provider,
    returnTo: row.return_to,
    config: sealed.config,
  };
  return continueLink(deps, link, {
    ...exchanged,
    credentials: { ...exchanged.credentials, ...kept.values },
  });
}

/**
 * Runs the connector's `post_auth` discovery from step `from` (with the values found before it),
 * then finishes the link. A step whose candidates the end user must choose between pauses it:
 * the outcome is a choice to offer in the sign-in window (`choice.ts`).
 */
export async function continueLink(
  deps: Deps,
  link: LinkInProgress,
  grant: Grant,
  resume: { from: number; values: Record<string, string> } = { from: 0, values: {} },
): Promise<CallbackOutcome> {
  const steps = (link.profile.connector.auth as OAuth2Auth).post_auth;
  let found: Discovered = { values: resume.values, choices: [] };
  if (steps.length > resume.from) {
    try {
      found = await discover(deps, { ...link.target, credentials: grant.credentials }, steps, {
        ...resume,
        interactive: true,
      });
    } catch (err) {
      if (err instanceof AppError)
        return failLink(deps, link, {
          code: 'discovery_failed',
          description: err.message,
          reason: reasonForError(err),
        });
      throw err;
    }
    if (found.ask)
      return { ok: 'choose', choice: await offerChoice(deps, link, grant, found), provider: link.provider };
    if (found.choices.length)
      deps.log.info(
        { provider: link.provider, choices: found.choices },
        'post_auth linked the first of several',
      );
  }
  return finishLink(deps, link, { ...grant, credentials: withDiscovered(grant.credentials, found) });
}

/** Checks the provider's API host and the test action with the new credentials, then stores the account. */
async function finishLink(deps: Deps, link: LinkInProgress, grant: Grant): Promise<CallbackOutcome> {
  const { profile, provider } = link;
  const { credentials, expiresAt } = grant;
  const refused =
    instanceRefusal(deps, profile, credentials.instance_url) ?? (await testRefusal(deps, link.target, grant));
  if (refused) return failLink(deps, link, refused);

  const { plain, secret } = splitSecrets(profile.connector.config_fields, link.config);
  try {
    const result = await saveLinkedAccount(
      deps,
      link.session,
      profile,
      { setupInformation: plain, secrets: secret, credentials, tokenExpiresAt: expiresAt },
      { attemptId: link.attemptId },
    );
    return { ok: true, returnTo: link.returnTo, result, provider };
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      return {
        ok: false,
        returnTo: link.returnTo,
        code: err.attemptCode,
        description: err.message,
        provider,
      };
    throw err;
  }
}

/** Ends the attempt with the refusal; the popup goes back to the return page with it. */
export async function failLink(
  deps: Deps,
  link: Pick<LinkInProgress, 'attemptId' | 'returnTo' | 'provider'>,
  { code, description, reason }: Refusal,
): Promise<CallbackOutcome> {
  await finishAttempt(deps, deps.db, link.attemptId, {
    status: 'error',
    code,
    description,
    ...(reason ? { reason } : {}),
  });
  return { ok: false, returnTo: link.returnTo, code, description, provider: link.provider };
}

/**
 * Marks the state used and returns it. Only the browser that began the flow can use its state:
 * another one (a link someone sent, a silently approved consent) leaves it unused for its owner.
 */
async function consumeState(
  deps: Deps,
  provider: string,
  state: string,
  cookie: (name: string) => string | null,
): Promise<StateRow> {
  const now = deps.clock();
  const browser = cookie(browserCookieName(state, servesHttps(deps)));
  const { rows } = await deps.db.query<StateRow>(
    `UPDATE oauth_states SET used_at = $3
     WHERE state_hash = $1 AND provider = $2 AND used_at IS NULL AND expires_at > $3 AND browser_hash = $4
     RETURNING attempt_id, connect_session_id, connector_profile_id, provider, return_to, sealed`,
    [hashToken(state), provider, now, hashToken(browser ?? '')],
  );
  const stateRow = rows[0];
  if (!stateRow || !browser) {
    throw invalidInput(
      'This sign-in could not be finished here. It has expired, was already used, or was opened in a different browser or window than the one you started in. Go back to the app and press Connect again.',
    );
  }
  return { ...stateRow, return_to: deps.vault.open(stateRow.return_to) };
}

/** Where the link's calls go: the profile's connector, environment and overrides, with the end user's fields. */
export const profileTarget = (profile: ConnectorProfile, config: Record<string, string>): ProviderTarget => ({
  connector: profile.connector,
  environment: profile.environment,
  overrides: profile.overrides,
  config,
  setup: profile.setupValues,
  credentials: {},
});

/** The link's profile, if the link may still finish with it (the session is live, the profile still OAuth). */
export async function liveProfile(
  deps: Deps,
  session: SessionRow,
  profileId: string,
): Promise<ConnectorProfile | Refusal> {
  // The link's lifetime covers the whole flow: an expired session cannot finish a link.
  if (session.expires_at.getTime() <= deps.clock().getTime())
    return {
      code: 'session_expired',
      description: 'This link expired before sign-in finished. Ask for a new link.',
    };
  const profile = await getProfile(
    deps,
    { projectId: session.project_id, organizationId: session.organization_id },
    profileId,
  ).catch(() => null);
  if (profile?.connector.auth.type !== 'oauth2')
    return { code: 'integration_unavailable', description: 'This integration is no longer available' };
  return profile;
}

/** The provider's answer: its refusal, or the code exchanged for credentials at its token endpoint. */
async function exchangeCode(
  deps: Deps,
  provider: string,
  profile: ConnectorProfile,
  target: ProviderTarget,
  response: AuthorizationResponse,
  sealed: SealedState,
): Promise<Grant | Refusal> {
  const name = profile.connector.name;
  if (response.error !== undefined) {
    const description = response.error_description ?? response.error;
    return {
      code: response.error.slice(0, 100),
      description:
        translateProviderError(profile.connector, response.error, description) ??
        `${name}: ${description.slice(0, 500)}`,
    };
  }
  if (!response.code)
    return { code: 'invalid_response', description: `${name} returned no authorization code` };
  const auth = profile.connector.auth as OAuth2Auth;
  clientOf(auth, sealed.config, profile.setupValues);
  try {
    return await codeGrant(tokenClient(deps, target, auth), {
      response,
      redirectUri: callbackUrl(deps, provider),
      verifier: sealed.verifier,
    });
  } catch (err) {
    if (err instanceof AppError) return { code: 'configuration', description: err.message };
    if (!(err instanceof TokenEndpointError)) throw err;
    deps.log.info({ provider, code: err.code, err: err.cause }, 'token exchange failed');
    return { code: err.code, description: err.description };
  }
}

/** A redirect the connector expects signed (Shopify's `hmac`) whose signature is missing or wrong. */
function signatureRefusal(
  profile: ConnectorProfile,
  target: ProviderTarget,
  query: URLSearchParams,
): Refusal | null {
  const rule = (profile.connector.auth as OAuth2Auth).callback_hmac;
  if (!rule) return null;
  const secret = target.config[rule.secret_field] ?? target.setup[rule.secret_field] ?? '';
  if (callbackSignatureValid(query, secret, rule)) return null;
  return {
    code: 'invalid_signature',
    description: `The answer from ${profile.connector.name} could not be verified, so nothing was connected. Press Connect again.`,
    reason: 'provider_error',
  };
}

/** The connector's `callback_params` from the redirect (checked before the code is exchanged). */
function keptValues(
  profile: ConnectorProfile,
  query: URLSearchParams,
): { values: Record<string, string> } | Refusal {
  const kept = keptCallbackParams(query, (profile.connector.auth as OAuth2Auth).callback_params);
  if (!('missing' in kept)) return kept;
  return {
    code: 'invalid_response',
    description: `${profile.connector.name} did not say which ${kept.missing} the sign-in was for`,
  };
}

/** A provider-chosen API host (Salesforce instance_url) must still be one the connector owns. */
function instanceRefusal(deps: Deps, profile: ConnectorProfile, instanceUrl: unknown): Refusal | null {
  if (typeof instanceUrl !== 'string') return null;
  const problem = urlPolicyViolation(instanceUrl, deps.settings.allowPrivateNetwork);
  if (!problem && ownsUrl(profile, instanceUrl)) return null;
  return {
    code: 'invalid_instance',
    description: `${profile.connector.name} returned an API host it does not own`,
  };
}

/** The connector's test action with the new credentials. */
async function testRefusal(deps: Deps, target: ProviderTarget, grant: Grant): Promise<Refusal | null> {
  try {
    await runTestAction(deps, { ...target, credentials: grant.credentials });
    return null;
  } catch (err) {
    if (err instanceof AppError)
      return { code: 'test_failed', description: err.message, reason: reasonForError(err) };
    throw err;
  }
}
