// The start of the OAuth popup flow: the launch, the one-time state bound to this browser, and
// the provider's authorize URL.
import * as oauth from 'oauth4webapi';
import { type Deps, servesHttps } from '../../deps.js';
import { AppError, invalidInput } from '../../errors.js';
import { hashToken, hashTokenText, newToken } from '../../ids.js';
import { authenticateSessionToken, type SessionRow } from '../connect-sessions.js';
import { getAttempt, finishAttempt } from '../connection-attempts.js';
import { profileForSession } from '../link-account.js';
import type { ConnectorProfile } from '../../connector-profiles/profiles.js';
import type { OAuth2Auth } from '../../../connectors/schema.js';
import { validateFields } from '../../../connectors/fields.js';
import { resolveUrl, type ProviderTarget } from '../../connector-profiles/target.js';
import { preflightAuthorize } from './preflight.js';
import { clientCredentials } from './token-endpoint.js';

/** One-time OAuth `state` lifetime. */
export const STATE_TTL_MS = 10 * 60 * 1000;

/** Query parameters of the popup URL that are not end-user fields. */
const RESERVED = new Set(['token', 'connection_attempt_id', 'redirect_uri']);

export function callbackUrl(deps: Deps, provider: string): string {
  return `${deps.settings.publicUrl()}/connect/oauth2/${provider}/callback`;
}

function oauthAuth(profile: ConnectorProfile): OAuth2Auth {
  if (profile.connector.auth.type !== 'oauth2')
    throw invalidInput(`${profile.connector.name} does not connect with OAuth`);
  return profile.connector.auth;
}

/**
 * Where the popup may be sent back to: the Hub's callback page of any app (`…/embedded/accounts/callback`,
 * as the official Hub builds it) or a page of this server (our Hub's redirect fallback).
 */
export function checkReturnTo(deps: Deps, raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2048) throw invalidInput('redirect_uri is missing');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidInput('redirect_uri is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalidInput('redirect_uri must be http(s)');
  if (url.username || url.password) throw invalidInput('redirect_uri must not contain credentials');
  const ours = url.origin === new URL(deps.settings.publicUrl()).origin;
  if (!ours && !url.pathname.endsWith('/embedded/accounts/callback'))
    throw invalidInput('redirect_uri must be a Hub callback page');
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
    throw invalidInput(`Scopes must include ${rule.require_one_of.join(' or ')}`);
  }
  return scopes.join(rule.separator);
}

/** The OAuth client's id and secret; a connection without both cannot sign in. */
export function clientOf(auth: OAuth2Auth, config: Record<string, string>, setup: Record<string, string>) {
  const { id, secret } = clientCredentials(auth, config, setup);
  if (!id || !secret)
    throw new AppError('PROFILE_MISCONFIGURED', 'The OAuth client ID and secret are not configured');
  return { id, secret };
}

/** What the state keeps sealed for the callback: the PKCE verifier and the end user's fields. */
export interface SealedState {
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
      throw invalidInput('This sign-in window belongs to another integration');
    return begin(deps, launch.session, integrationId, launch.attemptId, launch.returnTo, launch.fields);
  }
  // The StackOne protocol: session token and fields on the popup URL (the official component).
  const session = await authenticateSessionToken(deps, query.token);
  const returnTo = checkReturnTo(deps, query.redirect_uri);
  if (typeof query.connection_attempt_id !== 'string') throw invalidInput('connection_attempt_id is missing');
  const fields = Object.fromEntries(Object.entries(query).filter(([k]) => !RESERVED.has(k)));
  return begin(deps, session, integrationId, query.connection_attempt_id, returnTo, fields);
}

export async function sessionById(deps: Deps, id: number): Promise<SessionRow | undefined> {
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
    throw new AppError(
      'SESSION_TOKEN_INVALID',
      'This sign-in window has expired. Go back and press Connect again.',
    );
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
    throw new AppError(
      'SESSION_TOKEN_INVALID',
      'This sign-in window has expired. Go back and press Connect again.',
    );
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
  if (attempt.status !== 'pending')
    throw new AppError('ATTEMPT_NOT_PENDING', `This connection attempt is ${attempt.status}`);

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
    throw invalidInput(problems.map((p) => p.message).join('; '), { field: problems[0]!.field });
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
  // Some providers fix the scopes in the app's settings and refuse a `scope` parameter.
  if (auth.scopes.send) url.searchParams.set('scope', scopesFor(auth, values, profile.setupValues));
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
  const https = servesHttps(deps);
  return {
    refused: false,
    authorizeUrl: url.toString(),
    browserCookie: { name: browserCookieName(state, https), value: browser, maxAgeS: STATE_TTL_MS / 1000 },
  };
}
