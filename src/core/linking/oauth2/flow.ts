import * as oauth from 'oauth4webapi';
import type { Deps } from '../../deps.js';
import { AppError, badRequest, unauthorized } from '../../errors.js';
import { hashToken, hashTokenText, newToken } from '../../ids.js';
import { authenticateSessionToken, type SessionRow } from '../connect-sessions.js';
import { getAttempt, finishAttempt } from '../connection-attempts.js';
import { reasonForError, type LinkFailureReason } from '../link-failures.js';
import { profileForSession, saveLinkedAccount, type LinkResult } from '../link-account.js';
import { getProfile, type ConnectorProfile } from '../../connector-profiles/profiles.js';
import type { OAuth2Auth } from '../../../connectors/schema.js';
import { splitSecrets, validateFields } from '../../../connectors/fields.js';
import {
  ownsUrl,
  resolveUrl,
  runTestAction,
  translateProviderError,
  type ProviderTarget,
} from '../../connector-profiles/target.js';
import { urlPolicyViolation } from '../../network-policy.js';
import { preflightAuthorize } from './preflight.js';
import { tokenError, tokenExpiry, tokenRequestOptions, type OAuthCredentials } from './token-endpoint.js';

/** One-time OAuth `state` lifetime. */
export const STATE_TTL_MS = 10 * 60 * 1000;

/** Query parameters of the popup URL that are not end-user fields. */
const RESERVED = new Set(['token', 'connection_attempt_id', 'redirect_uri']);

export function callbackUrl(deps: Deps, provider: string): string {
  return `${deps.settings.publicUrl()}/connect/oauth2/${provider}/callback`;
}

function oauthAuth(profile: ConnectorProfile): OAuth2Auth {
  if (profile.connector.auth.type !== 'oauth2')
    throw badRequest(`${profile.connector.name} does not connect with OAuth`);
  return profile.connector.auth;
}

/**
 * Where the popup may be sent back to: the Hub's callback page of any app (`…/embedded/accounts/callback`,
 * as the official Hub builds it) or a page of this server (our Hub's redirect fallback).
 */
export function checkReturnTo(deps: Deps, raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2048) throw badRequest('redirect_uri is missing');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('redirect_uri is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest('redirect_uri must be http(s)');
  if (url.username || url.password) throw badRequest('redirect_uri must not contain credentials');
  const ours = url.origin === new URL(deps.settings.publicUrl()).origin;
  if (!ours && !url.pathname.endsWith('/embedded/accounts/callback'))
    throw badRequest('redirect_uri must be a Hub callback page');
  return url.toString();
}

function scopesFor(auth: OAuth2Auth, config: Record<string, string>, setup: Record<string, string>): string {
  const rule = auth.scopes;
  const given =
    rule.from === 'config' && rule.field
      ? config[rule.field]
      : rule.from === 'setup' && rule.field
        ? setup[rule.field]
        : undefined;
  const scopes = (given?.trim() ? given : rule.default).split(/[\s,]+/).filter(Boolean);
  for (const s of rule.always_include) if (!scopes.includes(s)) scopes.push(s);
  if (rule.require_one_of.length && !rule.require_one_of.some((s) => scopes.includes(s))) {
    throw badRequest(`Scopes must include ${rule.require_one_of.join(' or ')}`);
  }
  return scopes.join(rule.separator);
}

function clientOf(auth: OAuth2Auth, config: Record<string, string>, setup: Record<string, string>) {
  const source = auth.client_from === 'config' ? config : setup;
  const id = source[auth.client_id_field];
  const secret = source[auth.client_secret_field];
  if (!id || !secret) throw badRequest('The OAuth client ID and secret are not configured');
  return { id, secret };
}

interface SealedState {
  verifier: string | null;
  config: Record<string, string>;
}

/** A cookie for the browser that started the flow; the callback must bring it back. */
export interface BrowserCookie {
  name: string;
  value: string;
  maxAgeS: number;
}

/**
 * Where the popup goes next: the provider's authorize page, or — when the connector's authorize
 * preflight refused it — back to the Hub's callback page with the attempt already ended.
 */
export type BeginResult =
  | { refused: false; authorizeUrl: string; browserCookie: BrowserCookie }
  | { refused: true; returnTo: string; provider: string; code: string; description: string };

/**
 * The cookie that binds one state to the browser that began it (RFC 9700 §4.7, login CSRF): its
 * name comes from the state, so the callback finds it without a lookup, and parallel attempts in
 * one browser do not overwrite each other's.
 */
export function browserCookieName(state: string, https: boolean): string {
  return `${https ? '__Host-' : ''}sb_oauth_${hashTokenText(state).slice(0, 16)}`;
}

/**
 * `GET /connect/oauth2/{integration_id}`: validates the popup's session, attempt and fields,
 * stores a one-time CSPRNG state (10 min, bound to the attempt and session) with the PKCE
 * verifier, and returns the provider's authorize URL.
 */
export async function beginOAuth(
  deps: Deps,
  integrationId: string,
  query: Record<string, unknown>,
): Promise<BeginResult> {
  if (query.launch !== undefined) {
    const launch = await takeLaunch(deps, query.launch);
    if (launch.integrationId !== integrationId)
      throw badRequest('This sign-in window belongs to another integration');
    return begin(deps, launch.session, integrationId, launch.attemptId, launch.returnTo, launch.fields);
  }
  // The StackOne protocol: session token and fields on the popup URL (the official component).
  const session = await authenticateSessionToken(deps, query.token);
  const returnTo = checkReturnTo(deps, query.redirect_uri);
  if (typeof query.connection_attempt_id !== 'string') throw badRequest('connection_attempt_id is missing');
  const fields = Object.fromEntries(Object.entries(query).filter(([k]) => !RESERVED.has(k)));
  return begin(deps, session, integrationId, query.connection_attempt_id, returnTo, fields);
}

async function sessionById(deps: Deps, id: number): Promise<SessionRow | undefined> {
  const { rows } = await deps.db.query<SessionRow>(
    'SELECT s.*, p.organization_id FROM connect_sessions s JOIN projects p ON p.id = s.project_id WHERE s.id = $1',
    [id],
  );
  return rows[0];
}

interface Launch {
  integration_id: string;
  return_to: string;
  fields: Record<string, string>;
}

/**
 * Our Hub and connect.js send the end user's fields in a body (`POST /hub/connection_attempts`
 * with `integration_id`, `fields`, `redirect_uri`): they are sealed with the attempt, and the
 * popup URL carries only a one-time launch id, never a secret or the session token (browser
 * history and proxy access logs keep URLs).
 */
export async function prepareLaunch(
  deps: Deps,
  session: SessionRow,
  attemptId: string,
  input: { integrationId: string; redirectUri: unknown; fields: Record<string, unknown> },
): Promise<string> {
  const returnTo = checkReturnTo(deps, input.redirectUri);
  const profile = await profileForSession(deps, session, input.integrationId);
  oauthAuth(profile);
  const fields = Object.fromEntries(
    Object.entries(input.fields).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
  const launch = newToken();
  const sealed: Launch = { integration_id: profile.id, return_to: returnTo, fields };
  await deps.db.query('UPDATE connection_attempts SET launch_hash = $2, launch_sealed = $3 WHERE id = $1', [
    attemptId,
    hashToken(launch),
    deps.vault.sealJson(sealed),
  ]);
  return `${deps.settings.publicUrl()}/connect/oauth2/${encodeURIComponent(profile.id)}?launch=${launch}`;
}

/** The launch's attempt, session, return URL and fields; the id works once. */
async function takeLaunch(deps: Deps, raw: unknown) {
  if (typeof raw !== 'string' || raw.length < 20 || raw.length > 256)
    throw unauthorized('This sign-in window has expired. Go back and press Connect again.');
  const { rows } = await deps.db.query<{ id: string; connect_session_id: number; launch_sealed: string }>(
    `WITH taken AS (
       SELECT id, connect_session_id, launch_sealed FROM connection_attempts
       WHERE launch_hash = $1 AND status = 'pending' AND expires_at > $2 FOR UPDATE
     )
     UPDATE connection_attempts c SET launch_hash = NULL, launch_sealed = NULL FROM taken WHERE c.id = taken.id
     RETURNING taken.id, taken.connect_session_id, taken.launch_sealed`,
    [hashToken(raw), deps.clock()],
  );
  const row = rows[0];
  const session = row ? await sessionById(deps, row.connect_session_id) : null;
  if (!row || !session || session.expires_at.getTime() <= deps.clock().getTime()) {
    throw unauthorized('This sign-in window has expired. Go back and press Connect again.');
  }
  const launch = deps.vault.openJson<Launch>(row.launch_sealed);
  return {
    session,
    attemptId: row.id,
    returnTo: launch.return_to,
    fields: launch.fields,
    integrationId: launch.integration_id,
  };
}

async function begin(
  deps: Deps,
  session: SessionRow,
  integrationId: string,
  attemptId: string,
  returnTo: string,
  given: Record<string, unknown>,
): Promise<BeginResult> {
  const profile = await profileForSession(deps, session, integrationId);
  const auth = oauthAuth(profile);
  const attempt = await getAttempt(deps, session, attemptId);
  if (attempt.status !== 'pending') throw badRequest(`This connection attempt is ${attempt.status}`);

  const fields = Object.fromEntries(
    Object.entries(given).filter(([k]) => profile.connector.config_fields.some((f) => f.key === k)),
  );
  const { values, problems } = validateFields(profile.connector.config_fields, fields);
  if (problems.length) {
    await finishAttempt(deps, deps.db, attempt.id, {
      status: 'error',
      code: 'invalid_fields',
      description: problems.map((p) => p.message).join('; '),
    });
    throw badRequest(problems.map((p) => p.message).join('; '), { field: problems[0]!.field });
  }
  const target: ProviderTarget = {
    connector: profile.connector,
    environment: profile.environment,
    overrides: profile.overrides,
    config: values,
    setup: profile.setupValues,
    credentials: {},
  };
  const authorizeBase = resolveUrl(deps, target, 'authorization_url');
  resolveUrl(deps, target, 'token_url'); // refuse now, not after the user consented
  const client = clientOf(auth, values, profile.setupValues);

  const state = newToken();
  const browser = newToken();
  const verifier = profile.pkce ? oauth.generateRandomCodeVerifier() : null;
  const sealed: SealedState = { verifier, config: values };
  const now = deps.clock();
  // One live state per attempt: a new begin replaces the last (no unbounded growth per attempt).
  await deps.db.query('DELETE FROM oauth_states WHERE attempt_id = $1 AND used_at IS NULL', [attempt.id]);
  await deps.db.query(
    `INSERT INTO oauth_states (state_hash, attempt_id, connect_session_id, connector_profile_id, provider, return_to, sealed, expires_at, created_at, browser_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      hashToken(state),
      attempt.id,
      session.id,
      profile.id,
      profile.provider,
      // Sealed: the Hub's own URL (full-page fallback) carries its session token.
      deps.vault.seal(returnTo),
      deps.vault.sealJson(sealed),
      new Date(now.getTime() + STATE_TTL_MS),
      now,
      hashToken(browser),
    ],
  );
  await deps.db.query('UPDATE connection_attempts SET connector_profile_id = $2 WHERE id = $1', [
    attempt.id,
    profile.id,
  ]);

  const url = new URL(authorizeBase);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.id);
  url.searchParams.set('redirect_uri', callbackUrl(deps, profile.provider));
  url.searchParams.set('scope', scopesFor(auth, values, profile.setupValues));
  url.searchParams.set('state', state);
  if (verifier) {
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(auth.authorize_params)) url.searchParams.set(k, v);

  const check = await preflightAuthorize(deps, profile.connector, url.toString());
  if (check.refused) {
    await deps.db.query('DELETE FROM oauth_states WHERE state_hash = $1', [hashToken(state)]);
    await finishAttempt(deps, deps.db, attempt.id, {
      status: 'error',
      code: check.code,
      description: check.description,
    });
    return {
      refused: true,
      returnTo,
      provider: profile.provider,
      code: check.code,
      description: check.description,
    };
  }
  const https = deps.settings.publicUrl().startsWith('https://');
  return {
    refused: false,
    authorizeUrl: url.toString(),
    browserCookie: { name: browserCookieName(state, https), value: browser, maxAgeS: STATE_TTL_MS / 1000 },
  };
}

export type CallbackOutcome =
  | { ok: true; returnTo: string; result: LinkResult; provider: string }
  | { ok: false; returnTo: string; code: string; description: string; provider: string };

interface StateRow {
  attempt_id: string;
  connect_session_id: number;
  connector_profile_id: string;
  provider: string;
  return_to: string;
  sealed: string;
}

/**
 * `GET /connect/oauth2/{provider}/callback`: consumes the one-time state, exchanges the code
 * (form-encoded, exact redirect_uri, PKCE verifier), keeps the tokens sealed, runs the test
 * action, creates or updates the account and marks the attempt. Refusals of a bad state write nothing.
 */
export async function completeOAuth(
  deps: Deps,
  provider: string,
  query: Record<string, unknown>,
  cookie: (name: string) => string | null,
): Promise<CallbackOutcome> {
  const state = typeof query.state === 'string' && query.state.length <= 256 ? query.state : null;
  if (!state) throw badRequest('The authorization response has no state');
  const now = deps.clock();
  const browser = cookie(browserCookieName(state, deps.settings.publicUrl().startsWith('https://')));
  // Only the browser that began the flow can use its state: another one (a link someone sent,
  // a silently approved consent) leaves it unused for its owner.
  const { rows } = await deps.db.query<StateRow>(
    `UPDATE oauth_states SET used_at = $3
     WHERE state_hash = $1 AND provider = $2 AND used_at IS NULL AND expires_at > $3 AND browser_hash = $4
     RETURNING attempt_id, connect_session_id, connector_profile_id, provider, return_to, sealed`,
    [hashToken(state), provider, now, hashToken(browser ?? '')],
  );
  const stateRow = rows[0];
  if (!stateRow || !browser) {
    throw badRequest(
      'This sign-in could not be finished here. It has expired, was already used, or was opened in a different browser or window than the one you started in. Go back to the app and press Connect again.',
    );
  }
  const row = { ...stateRow, return_to: deps.vault.open(stateRow.return_to) };
  const session = (await sessionById(deps, row.connect_session_id))!;
  const fail = async (
    code: string,
    description: string,
    reason?: LinkFailureReason,
  ): Promise<CallbackOutcome> => {
    await finishAttempt(deps, deps.db, row.attempt_id, {
      status: 'error',
      code,
      description,
      ...(reason ? { reason } : {}),
    });
    return { ok: false, returnTo: row.return_to, code, description, provider };
  };
  const attempt = await getAttempt(deps, session, row.attempt_id);
  if (attempt.status !== 'pending')
    return {
      ok: false,
      returnTo: row.return_to,
      code: attempt.status,
      description: `The connection attempt was ${attempt.status}`,
      provider,
    };
  // The link's lifetime covers the whole flow: an expired session cannot finish a link.
  if (session.expires_at.getTime() <= now.getTime())
    return fail('session_expired', 'This link expired before sign-in finished. Ask for a new link.');

  const profile = await getProfile(
    deps,
    { projectId: session.project_id, organizationId: session.organization_id },
    row.connector_profile_id,
  ).catch(() => null);
  if (profile?.connector.auth.type !== 'oauth2')
    return fail('integration_unavailable', 'This integration is no longer available');
  const auth = profile.connector.auth;
  const sealed = deps.vault.openJson<SealedState>(row.sealed);

  if (typeof query.error === 'string') {
    const description = typeof query.error_description === 'string' ? query.error_description : query.error;
    return fail(
      query.error.slice(0, 100),
      translateProviderError(profile.connector, query.error, description) ??
        `${profile.connector.name}: ${description.slice(0, 500)}`,
    );
  }
  if (typeof query.code !== 'string' || !query.code)
    return fail('invalid_response', `${profile.connector.name} returned no authorization code`);

  const target: ProviderTarget = {
    connector: profile.connector,
    environment: profile.environment,
    overrides: profile.overrides,
    config: sealed.config,
    setup: profile.setupValues,
    credentials: {},
  };
  const client = clientOf(auth, sealed.config, profile.setupValues);
  const secrets = [client.secret, ...Object.values(sealed.config)];
  let tokens: oauth.TokenEndpointResponse;
  try {
    const tokenUrl = resolveUrl(deps, target, 'token_url');
    const as: oauth.AuthorizationServer = { issuer: new URL(tokenUrl).origin, token_endpoint: tokenUrl };
    const oauthClient: oauth.Client = { client_id: client.id };
    const clientAuth =
      auth.token_auth === 'client_secret_basic'
        ? oauth.ClientSecretBasic(client.secret)
        : oauth.ClientSecretPost(client.secret);
    const returned = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (typeof v === 'string') returned.set(k, v);
    const params = oauth.validateAuthResponse(as, oauthClient, returned, state);
    const res = await oauth.authorizationCodeGrantRequest(
      as,
      oauthClient,
      clientAuth,
      params,
      callbackUrl(deps, provider),
      sealed.verifier ?? oauth.nopkce,
      tokenRequestOptions(deps),
    );
    tokens = await oauth.processAuthorizationCodeResponse(as, oauthClient, res);
  } catch (err) {
    if (err instanceof AppError) return fail('configuration', err.message);
    const e = tokenError(profile, err, secrets);
    deps.log.info({ provider, code: e.code, err }, 'token exchange failed');
    return fail(e.code, e.description);
  }

  const credentials: OAuthCredentials = {
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
    ...(typeof tokens.scope === 'string' ? { scope: tokens.scope } : {}),
  };
  for (const field of auth.keep_token_fields)
    if (tokens[field] !== undefined) credentials[field] = tokens[field];
  const expiresAt = tokenExpiry(deps, auth, tokens.expires_in);
  credentials.expires_at = expiresAt?.toISOString() ?? null;
  // A provider-chosen API host (Salesforce instance_url) must still be one the connector owns.
  if (typeof credentials.instance_url === 'string') {
    const problem = urlPolicyViolation(credentials.instance_url, deps.settings.allowPrivateNetwork);
    if (problem || !ownsUrl(profile, credentials.instance_url))
      return fail('invalid_instance', `${profile.connector.name} returned an API host it does not own`);
  }
  try {
    await runTestAction(deps, { ...target, credentials });
  } catch (err) {
    if (err instanceof AppError) return fail('test_failed', err.message, reasonForError(err));
    throw err;
  }
  const { plain, secret } = splitSecrets(profile.connector.config_fields, sealed.config);
  try {
    const result = await saveLinkedAccount(
      deps,
      session,
      profile,
      { setupInformation: plain, secrets: secret, credentials, tokenExpiresAt: expiresAt },
      { attemptId: row.attempt_id },
    );
    return { ok: true, returnTo: row.return_to, result, provider };
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      return { ok: false, returnTo: row.return_to, code: err.code, description: err.message, provider };
    throw err;
  }
}
