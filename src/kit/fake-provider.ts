// One generic, strict fake provider, driven by a connector file and its fixture: it answers at
// the connector's real host names (through the internet stand-in) as the provider would, and
// refuses whatever the connector file says the provider refuses. OAuth2: the authorize page
// (client, exact redirect URI, state, S256 PKCE, scopes), the token endpoint (the declared client
// authentication only, single-use codes bound to the redirect URI and verifier, refresh with
// rotation and reuse detection). The API: the credentials exactly as `inject` says, the test
// action, every action's records page by page. Anything else answers 404 and is recorded.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Action } from '../connectors/action-schema.js';
import type { CallbackHmac, PostAuthStep } from '../connectors/grants-schema.js';
import { pick } from '../connectors/json-path.js';
import { isSecretField } from '../connectors/fields.js';
import type { Connector, OAuth2Auth } from '../connectors/schema.js';
import { render, renderUrl, type TemplateContext, TemplateError } from '../connectors/templating.js';
import { urlValueKind } from '../connectors/url-values.js';
import { signedMessage } from '../core/linking/oauth2/callback-values.js';
import { candidatesOf, MAX_OPTIONS, optionsOf, pickValues } from '../core/linking/oauth2/discovery.js';
import { type DeliveryAnswer, type FakeDelivery, type FakeSubscription, fakeEvents } from './fake-events.js';
import type { ActionFixture, Fixture } from './fixture.js';
import type { Route } from './internet.js';
import { answerPage, type PageRequest, pagingStyle } from './paging.js';
import { setAt } from './paths.js';
import { type RateLimit, rateLimitRules } from '../connectors/rate-limit.js';

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  host: string;
  path: string;
  status: number;
  /** Whether it carried a secret: a client secret, a token, a secret field's value. */
  credentialed: boolean;
}

export interface FakeProvider {
  /** The plain-http port on 127.0.0.1 the internet stand-in forwards to. */
  readonly port: number;
  /** Every host name the fake answers at. */
  readonly hosts: string[];
  /** The routes to hand to `startInternet`. */
  readonly routes: Route[];
  /** The connector's URLs as the fake renders them for the fixture's environment. */
  readonly urls: { authorize?: URL; token?: URL; refresh?: URL; revoke?: URL; api: URL; test?: URL };
  readonly requests: RecordedRequest[];
  /** Requests for something this provider does not serve (404). */
  readonly unexpected: string[];
  /** Requests the fake refused for breaking a rule of the connector file (bad PKCE, wrong client auth …). */
  readonly problems: string[];
  /** Refresh tokens presented again after they were rotated (each revokes its family). */
  readonly reusedRefreshTokens: number;
  readonly refreshes: number;
  /** Tokens minted with the client credentials grant. */
  readonly mints: number;
  /**
   * Answers the next API call with a rate limit as one of the connector's `rate_limit` rules
   * declares it (the first by default: its first status, its `when_header`, its retry header in
   * its format), saying to wait `seconds`.
   */
  rateLimitNext(seconds: number, rule?: number): void;
  /** API calls answered with a rate limit so far. */
  readonly rateLimited: number;
  /** Registers the OAuth app's redirect URI (our server's callback URL). */
  allowRedirectUri(uri: string): void;
  isLiveAccessToken(token: string): boolean;
  isLiveRefreshToken(token: string): boolean;
  /** Connector events: the subscriptions the connector's create requests registered, by id. */
  readonly subscriptions: Map<string, FakeSubscription>;
  /** Ids of the subscriptions the connector's delete requests removed. */
  readonly deletedSubscriptions: string[];
  /** Sends a provider delivery to a subscription's URL, signed as its `verify` checks expect. */
  deliver(subscriptionId: string, delivery: FakeDelivery): Promise<DeliveryAnswer>;
  close(): Promise<void>;
}

interface Family {
  current: string;
  used: Set<string>;
  revoked: boolean;
}

interface Grant {
  redirectUri: string;
  challenge: string | null;
  used: boolean;
}

interface ServedAction {
  action: Action;
  fixture: ActionFixture;
  method: string;
  path: string;
  query: Array<[string, string]>;
  /** Top-level body values with no placeholder (a GraphQL query text): they tell actions on one route apart. */
  fixed: Array<[string, string]>;
}

const PLACEHOLDER = /\$\{([a-z_]+)\.([A-Za-z0-9_]+)\}/g;
const token = (prefix: string) => `${prefix}-${randomBytes(18).toString('base64url')}`;
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The environment the fixture links in: its `environment`, else the connector's first. */
export function fixtureEnvironment(connector: Connector, fixture: Fixture) {
  const key = fixture.environment ?? connector.environments[0]!.key;
  const env = connector.environments.find((e) => e.key === key);
  if (!env) throw new Error(`fixture environment "${key}" is not one of ${connector.key}'s environments`);
  return env;
}

/** Template values the fixture provides: its config, setup, environment and kept token fields. */
export function fixtureContext(connector: Connector, fixture: Fixture): TemplateContext {
  return {
    config: fixture.config,
    setup: fixture.setup,
    env: fixtureEnvironment(connector, fixture).values,
    credentials: keptTokenValues(connector, fixture),
  };
}

/** The token fields the connector keeps: the fixture's top-level fields and what `token_response.keep` picks. */
function keptTokenValues(connector: Connector, fixture: Fixture): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fixture.authorize.callback_params, ...fixture.token.fields };
  if (connector.auth.type !== 'oauth2') return out;
  for (const [name, at] of Object.entries(connector.auth.token_response.keep)) {
    const v = pick(fixture.token.fields, at);
    if (v !== undefined) out[name] = v;
  }
  connector.auth.post_auth.forEach((step, i) => {
    const answer = fixture.post_auth[i];
    if (!answer) return;
    const chosen = chosenOption(step, answer);
    const picked = chosen ?? pickValues(candidatesOf(answer.body, step.select)[0], step.pick);
    if ('values' in picked) Object.assign(out, picked.values);
  });
  return out;
}

/**
 * The option the fixture's end user chooses when a discovery step asks them (a `label` and
 * several candidates): `choose`, or the last. Null when the step does not ask.
 */
export function chosenOption(
  step: PostAuthStep,
  answer: Fixture['post_auth'][number],
): { index: number; count: number; values: Record<string, string> } | null {
  if (step.label === undefined) return null;
  const options = optionsOf(candidatesOf(answer.body, step.select).slice(0, MAX_OPTIONS), step);
  if (options.length < 2) return null;
  const index = answer.choose ?? options.length - 1;
  const option = options[index];
  if (!option) throw new Error(`post_auth choose ${index}: the answer offers ${options.length} options`);
  return { index, count: options.length, values: option.values };
}

function renderConnectorUrl(
  connector: Connector,
  template: string,
  ctx: TemplateContext,
  which: string,
): URL {
  try {
    return new URL(renderUrl(template, ctx, (name) => urlValueKind(connector, name)));
  } catch (err) {
    if (err instanceof TemplateError)
      throw new Error(`${which}: ${err.message} (give the value in the fixture)`);
    throw err;
  }
}

/** The OAuth client the fixture registers: from its setup or config values, as the connector says. */
export function fixtureClient(auth: OAuth2Auth, fixture: Fixture) {
  const from = auth.client_from === 'setup' ? fixture.setup : fixture.config;
  return { id: from[auth.client_id_field] ?? '', secret: from[auth.client_secret_field] ?? '' };
}

/** The scopes the connector must ask for with the fixture's values. */
export function requiredScopes(auth: OAuth2Auth, fixture: Fixture): string[] {
  const s = auth.scopes;
  const given = s.field ? (s.from === 'setup' ? fixture.setup : fixture.config)[s.field] : undefined;
  const list = (given || s.default).split(s.separator).filter(Boolean);
  return [...new Set([...list, ...s.always_include])];
}

/** Input values with the action's declared defaults filled in. */
function withDefaults(action: Action, input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  for (const i of action.inputs)
    if (out[i.key] === undefined && i.default !== undefined) out[i.key] = i.default;
  return out;
}

/** Where each action's first page lives, rendered from its request template and the fixture's input. */
function servedActions(
  connector: Connector,
  fixture: Fixture,
  ctx: TemplateContext,
  api: URL,
): ServedAction[] {
  const base = api.pathname.replace(/\/+$/, '');
  const out: ServedAction[] = [];
  for (const action of connector.actions) {
    const f = fixture.actions[action.id];
    if (!f) continue;
    const actx = { ...ctx, input: withDefaults(action, f.input) } as TemplateContext;
    const path = new URL(`https://fake${base}${render(action.request.path, actx, encodeURIComponent)}`)
      .pathname;
    const query: Array<[string, string]> = [];
    for (const [k, tpl] of Object.entries(action.request.query)) {
      try {
        query.push([k, render(tpl, actx)]);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
      }
    }
    // The paging value goes into the body at `body_key`: the object holding it is not fixed.
    const next = action.result.next;
    const pagedKey =
      typeof next === 'object' && 'body_key' in next ? next.body_key?.split('.')[0] : undefined;
    const fixed = Object.entries(action.request.body ?? {})
      .filter(([k]) => k !== pagedKey)
      .map(([k, v]): [string, string] => [k, JSON.stringify(v)])
      .filter(([, v]) => !v.includes('${'));
    out.push({ action, fixture: f, method: action.request.method, path, query, fixed });
  }
  // The most specific request first: actions on one path differ by their query or fixed body values.
  return out.sort((a, b) => b.query.length + b.fixed.length - (a.query.length + a.fixed.length));
}

const is = (u: URL | undefined, url: URL) =>
  !!u && u.hostname === url.hostname && u.pathname === url.pathname;

const hostOf = (req: IncomingMessage) => (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();

/** A request body parsed as JSON, or undefined when it is empty or not JSON. */
function jsonOrUndefined(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A rate-limited answer as the connector declares it, saying to try again in `seconds`. */
function rateLimitAnswer(rule: RateLimit, seconds: number, res: ServerResponse) {
  const at = Date.now() + seconds * 1000;
  const value = {
    seconds: String(seconds),
    http_date: new Date(at).toUTCString(),
    unix_seconds: String(Math.floor(at / 1000)),
    unix_ms: String(at),
  }[rule.retry_after.format ?? 'seconds'];
  const headers: Record<string, string> = { [rule.retry_after.header]: value };
  if (rule.when_header && rule.when_header.name !== rule.retry_after.header)
    headers[rule.when_header.name] = rule.when_header.equals ?? '1';
  send(res, rule.statuses[0]!, { error: 'rate_limited' }, headers);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** The base64 `username:password` of `inject.basic` with the fixture's values, or null. */
function basicCredentials(connector: Connector, ctx: TemplateContext): string | null {
  const basic = connector.inject.basic;
  if (!basic) return null;
  try {
    return Buffer.from(`${render(basic.username, ctx)}:${render(basic.password, ctx)}`).toString('base64');
  } catch {
    return null;
  }
}

/** Where each `post_auth` step's call goes and the fixture's answer to it (a path is on the API's origin). */
function discoveryAnswers(connector: Connector, fixture: Fixture, ctx: TemplateContext, api: URL) {
  if (connector.auth.type !== 'oauth2') return [];
  return connector.auth.post_auth.map((step, i) => {
    const answer = fixture.post_auth[i];
    if (!answer) throw new Error(`post_auth[${i}]: the fixture has no answer for this discovery call`);
    const tpl = step.request.url.startsWith('/') ? api.origin + step.request.url : step.request.url;
    const url = renderConnectorUrl(connector, tpl, ctx, `auth.post_auth[${i}].request.url`);
    return { method: step.request.method, url, answer };
  });
}

/** Starts the fake provider for one connector and its fixture on a loopback port. */
export async function startFakeProvider(connector: Connector, fixture: Fixture): Promise<FakeProvider> {
  const ctx = fixtureContext(connector, fixture);
  const auth = connector.auth.type === 'oauth2' ? connector.auth : null;
  const urls: { -readonly [K in keyof FakeProvider['urls']]: FakeProvider['urls'][K] } = {
    api: renderConnectorUrl(connector, connector.base_url, ctx, 'base_url'),
    ...(auth
      ? {
          // The client credentials grant has no authorize URL.
          ...(auth.authorization_url
            ? { authorize: renderConnectorUrl(connector, auth.authorization_url, ctx, 'authorization_url') }
            : {}),
          token: renderConnectorUrl(connector, auth.token_url, ctx, 'token_url'),
          ...(auth.revoke_url
            ? { revoke: renderConnectorUrl(connector, auth.revoke_url, ctx, 'revoke_url') }
            : {}),
          ...(auth.refresh_url
            ? { refresh: renderConnectorUrl(connector, auth.refresh_url, ctx, 'refresh_url') }
            : {}),
        }
      : {}),
  };
  const discovery = discoveryAnswers(connector, fixture, ctx, urls.api);
  const nextLinkHost = fixture.next_link_origin ? new URL(fixture.next_link_origin).hostname : null;
  const t = connector.test_action;
  if (t.base_url) urls.test = renderConnectorUrl(connector, t.base_url, ctx, 'test_action.base_url');
  const hosts = [
    ...new Set([
      ...Object.values(urls).map((u) => u.hostname),
      ...fixture.routes.map((r) => r.host.toLowerCase()),
      ...(nextLinkHost ? [nextLinkHost] : []),
      ...discovery.map((d) => d.url.hostname),
    ]),
  ];
  const actions = servedActions(connector, fixture, ctx, urls.api);
  const client = auth ? fixtureClient(auth, fixture) : null;
  const redirectUris = new Set<string>();
  const grants = new Map<string, Grant>();
  const familyOf = new Map<string, Family>();
  const accessTokens = new Map<string, { family: Family; expiresAt: number | null }>();
  const secrets = new Set<string>(
    [
      ...connector.config_fields.filter(isSecretField).map((f) => fixture.config[f.key]),
      ...connector.setup_fields.filter(isSecretField).map((f) => fixture.setup[f.key]),
      client?.secret,
    ].filter((v): v is string => typeof v === 'string' && v.length >= 6),
  );
  // HTTP Basic credentials travel base64-encoded: the encoded pair counts as a secret too.
  const basicPair = basicCredentials(connector, ctx);
  if (basicPair) secrets.add(basicPair);
  const state = {
    requests: [] as RecordedRequest[],
    unexpected: [] as string[],
    problems: [] as string[],
    reused: 0,
    refreshes: 0,
    mints: 0,
    rateLimited: 0,
  };
  const rateLimits: Array<{ seconds: number; rule: RateLimit }> = [];

  const refuse = (res: ServerResponse, status: number, error: string, description: string) => {
    state.problems.push(`${error}: ${description}`);
    send(res, status, { error, error_description: description });
  };

  function issue(family: Family): Record<string, unknown> {
    const access = token('at');
    const expiresIn = fixture.token.expires_in;
    accessTokens.set(access, {
      family,
      expiresAt: expiresIn === null ? null : Date.now() + expiresIn * 1000,
    });
    secrets.add(access);
    return {
      access_token: access,
      ...(fixture.token.token_type === null ? {} : { token_type: fixture.token.token_type }),
      ...(expiresIn === null ? {} : { expires_in: expiresIn }),
      scope: auth ? requiredScopes(auth, fixture).join(auth.scopes.separator) : undefined,
      ...fixture.token.fields,
    };
  }

  function newRefreshToken(family: Family): string {
    const refresh = token('rt');
    family.current = refresh;
    familyOf.set(refresh, family);
    secrets.add(refresh);
    return refresh;
  }

  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    if (!auth || !client || q.get('client_id') !== client.id) {
      const answer = fixture.authorize.unknown_client;
      return send(res, answer.status, answer.body);
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectUris.has(redirectUri))
      return refuse(res, 400, 'redirect_uri_mismatch', `redirect_uri ${redirectUri} is not registered`);
    if (q.get('response_type') !== 'code')
      return refuse(res, 400, 'unsupported_response_type', 'response_type must be code');
    if (!q.get('state')) return refuse(res, 400, 'invalid_request', 'state is missing');
    const challenge = q.get('code_challenge');
    if (challenge && q.get('code_challenge_method') !== 'S256')
      return refuse(res, 400, 'invalid_request', 'code_challenge_method must be S256 (plain is refused)');
    if (!challenge && auth.pkce.supported && auth.pkce.default)
      return refuse(res, 400, 'invalid_request', 'missing required code challenge');
    if (!auth.scopes.send) {
      // The app settings fix the scopes: a `scope` parameter is refused.
      if (q.has('scope'))
        return refuse(res, 400, 'invalid_scope', 'scope is not accepted: the app settings fix the scopes');
    } else {
      const asked = new Set((q.get('scope') ?? '').split(auth.scopes.separator).filter(Boolean));
      const missing = requiredScopes(auth, fixture).filter((s) => !asked.has(s));
      if (missing.length) return refuse(res, 400, 'invalid_scope', `scope lacks ${missing.join(', ')}`);
    }
    const code = token('code');
    grants.set(code, { redirectUri, challenge, used: false });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state')!);
    for (const name of auth.callback_params) {
      const v = fixture.authorize.callback_params[name];
      if (v === undefined)
        throw new Error(`authorize.callback_params lacks ${name} (the connector keeps it)`);
      back.searchParams.set(name, v);
    }
    if (auth.callback_hmac) signRedirect(back.searchParams, auth.callback_hmac);
    res.writeHead(302, { location: back.toString() }).end();
  }

  /** Signs the redirect's query as `callback_hmac` says: the HMAC of `signedMessage` with the secret field's value. */
  function signRedirect(query: URLSearchParams, rule: CallbackHmac) {
    const secret = fixture.setup[rule.secret_field] ?? fixture.config[rule.secret_field];
    if (!secret) throw new Error(`callback_hmac: the fixture has no ${rule.secret_field}`);
    const mac = createHmac(rule.algorithm, secret).update(signedMessage(query, rule.param));
    query.set(rule.param, mac.digest(rule.encoding));
  }

  /** The client authentication the connector declares, and only that one. */
  function clientAuthProblem(req: IncomingMessage, form: URLSearchParams): string | null {
    if (!auth || !client) return 'no OAuth client';
    const header = req.headers.authorization;
    if (auth.token_auth === 'client_secret_post') {
      if (header) return 'an Authorization header: this client authenticates with client_secret_post';
      if (form.get('client_id') !== client.id || form.get('client_secret') !== client.secret)
        return 'client_id or client_secret is wrong';
      return null;
    }
    if (form.has('client_secret'))
      return 'client_secret in the body: this client authenticates with client_secret_basic';
    const m = /^Basic (.+)$/i.exec(header ?? '');
    if (!m) return 'no HTTP Basic client authentication';
    const [id, secret] = Buffer.from(m[1]!, 'base64').toString('utf8').split(':');
    const dec = (s = '') => decodeURIComponent(s.replace(/\+/g, ' '));
    if (dec(id) !== client.id || dec(secret) !== client.secret) return 'client_id or client_secret is wrong';
    return null;
  }

  /** The token request's parameters, encoded as the connector's `token_request.body_format` says. */
  function tokenParams(req: IncomingMessage, body: string): URLSearchParams | string {
    const type = req.headers['content-type'] ?? '';
    if (auth?.token_request.body_format !== 'json') {
      if (!type.startsWith('application/x-www-form-urlencoded'))
        return 'the token request must be form-encoded';
      return new URLSearchParams(body);
    }
    const json = type.startsWith('application/json') ? jsonOrUndefined(body) : undefined;
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      return 'the token request must be one JSON object (application/json)';
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(json)) if (v !== undefined && v !== null) form.set(k, String(v));
    return form;
  }

  /** The extra token parameters the connector declares for this grant that the request lacks. */
  function missingParams(form: URLSearchParams, extra: Record<string, string>): string | null {
    for (const [k, tpl] of Object.entries(extra)) {
      let want: string;
      try {
        want = render(tpl, ctx);
      } catch {
        continue;
      }
      if (form.get(k) !== want)
        return `${k} is ${form.has(k) ? `"${form.get(k)}"` : 'missing'}, not "${want}"`;
    }
    return null;
  }

  function tokenEndpoint(req: IncomingMessage, body: string, res: ServerResponse, at: 'token' | 'refresh') {
    const form = tokenParams(req, body);
    if (typeof form === 'string') return refuse(res, 400, 'invalid_request', form);
    const why = clientAuthProblem(req, form);
    if (why) return refuse(res, 401, 'invalid_client', why);
    const grant = form.get('grant_type');
    const tr = auth!.token_request;
    const separateRefresh = !!urls.refresh && !is(urls.token, urls.refresh);
    if (grant === 'refresh_token' && separateRefresh && at === 'token')
      return refuse(res, 400, 'invalid_request', 'refresh requests go to the refresh URL');
    if (grant !== 'refresh_token' && at === 'refresh' && separateRefresh)
      return refuse(res, 400, 'unsupported_grant_type', `grant_type ${grant} at the refresh URL`);
    const extra =
      grant === 'refresh_token'
        ? { ...tr.params, ...tr.refresh_params }
        : { ...tr.params, ...tr.code_params };
    const lacking = missingParams(form, extra);
    if (lacking) return refuse(res, 400, 'invalid_request', lacking);
    const cc = auth!.grant === 'client_credentials';
    if (cc !== (grant === 'client_credentials'))
      return refuse(
        res,
        400,
        'unsupported_grant_type',
        `grant_type ${grant}: this client uses ${auth!.grant}`,
      );
    if (cc) return clientCredentialsGrant(form, res);
    if (grant === 'authorization_code') return codeGrant(form, res);
    if (grant === 'refresh_token') return refreshGrant(form, res);
    return refuse(res, 400, 'unsupported_grant_type', `grant_type ${grant}`);
  }

  /** The client credentials grant: the declared `grant_params` required, a token minted, no refresh token. */
  function clientCredentialsGrant(form: URLSearchParams, res: ServerResponse) {
    const lacking = missingParams(form, auth!.grant_params);
    if (lacking) return refuse(res, 400, 'invalid_request', lacking);
    state.mints++;
    send(res, 200, issue({ current: '', used: new Set(), revoked: false }));
  }

  function codeGrant(form: URLSearchParams, res: ServerResponse) {
    const code = form.get('code') ?? '';
    const g = grants.get(code);
    if (!g || g.used) return refuse(res, 400, 'invalid_grant', 'the code is unknown or was used');
    g.used = true;
    if (form.get('redirect_uri') !== g.redirectUri)
      return refuse(res, 400, 'invalid_grant', 'redirect_uri differs from the authorize request');
    const verifier = form.get('code_verifier');
    if (g.challenge && (!verifier || s256(verifier) !== g.challenge))
      return refuse(res, 400, 'invalid_grant', 'code_verifier does not match the code challenge');
    const family: Family = { current: '', used: new Set(), revoked: false };
    if (!fixture.token.refresh_token) return send(res, 200, issue(family));
    const refresh = newRefreshToken(family);
    send(res, 200, { ...issue(family), refresh_token: refresh });
  }

  function refreshGrant(form: URLSearchParams, res: ServerResponse) {
    const presented = form.get('refresh_token') ?? '';
    const family = familyOf.get(presented);
    // A refused refresh is the provider's documented answer, not a broken rule: not a problem.
    const invalid = () =>
      send(res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    if (!family || family.revoked) return invalid();
    if (presented !== family.current) {
      // A rotated token came back: someone holds a copy. The whole family dies (RFC 9700 §4.14).
      state.reused++;
      family.revoked = true;
      return invalid();
    }
    state.refreshes++;
    const fields = issue(family);
    if (!fixture.token.rotate) return send(res, 200, fields);
    family.used.add(presented);
    send(res, 200, { ...fields, refresh_token: newRefreshToken(family) });
  }

  function revokeEndpoint(body: string, res: ServerResponse) {
    const t = new URLSearchParams(body).get('token') ?? '';
    const family = familyOf.get(t) ?? accessTokens.get(t)?.family;
    if (family) family.revoked = true;
    send(res, 200, '');
  }

  function liveAccess(t: string): boolean {
    const a = accessTokens.get(t);
    return !!a && !a.family.revoked && (a.expiresAt === null || a.expiresAt > Date.now());
  }

  /** Whether `value` is what `template` renders to, a live access token standing in for its placeholder. */
  function matchesInjected(template: string, value: string | undefined): boolean {
    if (value === undefined) return false;
    let source = '';
    let last = 0;
    const tokens: number[] = [];
    let group = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      source += escapeRe(template.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[1] === 'credentials' && m[2] === 'access_token') {
        source += '(\\S+)';
        tokens.push(++group);
        continue;
      }
      try {
        source += escapeRe(render(m[0], ctx));
      } catch {
        return false;
      }
    }
    source += escapeRe(template.slice(last));
    const found = new RegExp(`^${source}$`).exec(value);
    return !!found && tokens.every((i) => liveAccess(found[i]!));
  }

  function credentialsOk(req: IncomingMessage, url: URL): boolean {
    const headersOk = Object.entries(connector.inject.headers).every(([name, tpl]) => {
      const v = req.headers[name.toLowerCase()];
      return matchesInjected(tpl, Array.isArray(v) ? v[0] : v);
    });
    const queryOk = Object.entries(connector.inject.query).every(([name, tpl]) =>
      matchesInjected(tpl, url.searchParams.get(name) ?? undefined),
    );
    return headersOk && queryOk && basicOk(req);
  }

  /** `inject.basic`: `Authorization: Basic base64(username:password)` rendered from the fixture's values. */
  function basicOk(req: IncomingMessage): boolean {
    return !connector.inject.basic || (!!basicPair && req.headers.authorization === `Basic ${basicPair}`);
  }

  /** The connector's fixed `headers` a provider call lacks or gets wrong (rendered with the fixture's values). */
  function fixedHeaderProblem(req: IncomingMessage): string | null {
    for (const [name, tpl] of Object.entries(connector.headers)) {
      const want = render(tpl, ctx);
      const got = req.headers[name.toLowerCase()];
      if (got !== want)
        return `header ${name} is ${got === undefined ? 'missing' : `"${got}"`}, not "${want}"`;
    }
    return null;
  }

  function actionPage(served: ServedAction, req: PageRequest, res: ServerResponse) {
    const { action, fixture: f } = served;
    const style = pagingStyle(action, {
      pageParam: fixture.page_param,
      linkAs: fixture.next_link,
      origin: fixture.next_link_origin,
      pageSize: f.page_size,
    });
    const dataPath = action.result.data;
    if (!style) {
      const value = f.records.length === 1 ? f.records[0] : f.records;
      if (dataPath === '' || dataPath === '$') return send(res, 200, value);
      const body: Record<string, unknown> = {};
      setAt(body, dataPath, value);
      return send(res, 200, body);
    }
    const answer = answerPage(style, req, f.records, dataPath);
    if (typeof answer === 'string') return refuse(res, 400, 'invalid_request', `${action.id}: ${answer}`);
    send(res, 200, answer.body, answer.headers);
  }

  function api(req: IncomingMessage, url: URL, body: string, res: ServerResponse) {
    const fixed = fixedHeaderProblem(req);
    if (fixed) return refuse(res, 400, 'invalid_request', fixed);
    if (!credentialsOk(req, url)) return send(res, fixture.api.error.status, fixture.api.error.body);
    const wait = rateLimits.shift();
    if (wait !== undefined) {
      state.rateLimited++;
      return rateLimitAnswer(wait.rule, wait.seconds, res);
    }
    const json = jsonOrUndefined(body);
    const sent = (k: string) =>
      json && typeof json === 'object' ? JSON.stringify((json as Record<string, unknown>)[k]) : undefined;
    const served = actions.find(
      (a) =>
        a.method === req.method &&
        a.path === url.pathname &&
        a.query.every(([k, v]) => url.searchParams.get(k) === v) &&
        a.fixed.every(([k, v]) => sent(k) === v),
    );
    if (served) return actionPage(served, { url, body: json }, res);
    notFound(req, url, res);
  }

  /** Whether a request is the connector's test action (at `test_action.base_url` when it has one). */
  function isTestAction(req: IncomingMessage, url: URL, body: string): boolean {
    const at = urls.test ?? urls.api;
    const base = at.pathname.replace(/\/+$/, '');
    return (
      hostOf(req) === at.hostname &&
      req.method === t.method &&
      url.pathname === new URL(`https://fake${base}${t.path}`).pathname &&
      Object.entries(t.query).every(([k, v]) => url.searchParams.get(k) === v) &&
      // On one GraphQL route the test action is the request with its own body.
      (t.body === undefined ||
        !actions.some((a) => a.method === t.method && a.path === url.pathname) ||
        JSON.stringify(jsonOrUndefined(body)) === JSON.stringify(t.body))
    );
  }

  /** The test action: fixed headers, credentials, and the declared JSON body when it has one. */
  function testAction(req: IncomingMessage, url: URL, body: string, res: ServerResponse) {
    const fixed = fixedHeaderProblem(req);
    if (fixed) return refuse(res, 400, 'invalid_request', fixed);
    if (!credentialsOk(req, url)) return send(res, fixture.api.error.status, fixture.api.error.body);
    if (t.body !== undefined && JSON.stringify(jsonOrUndefined(body)) !== JSON.stringify(t.body))
      return refuse(res, 400, 'invalid_request', `the test action's body is not ${JSON.stringify(t.body)}`);
    send(res, fixture.api.test_action.status, fixture.api.test_action.body);
  }

  function notFound(req: IncomingMessage, url: URL, res: ServerResponse) {
    state.unexpected.push(`${req.method} https://${url.host}${url.pathname}`);
    send(res, 404, { error: 'not_found' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const host = hostOf(req);
    const url = new URL(req.url ?? '/', `https://${host}`);
    const seen = `${JSON.stringify(req.headers)} ${req.url} ${body}`;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      host,
      path: url.pathname,
      status: 0,
      credentialed: [...secrets].some((s) => seen.includes(s)),
    };
    state.requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const route = fixture.routes.find(
      (r) => r.host.toLowerCase() === host && r.method === req.method && r.path === url.pathname,
    );
    if (route) {
      if (route.auth && !credentialsOk(req, url))
        return send(res, fixture.api.error.status, fixture.api.error.body);
      return send(res, route.status, route.body);
    }
    const step = discovery.find((d) => d.method === req.method && is(d.url, url));
    if (step) {
      if (!credentialsOk(req, url)) return send(res, fixture.api.error.status, fixture.api.error.body);
      return send(res, step.answer.status, step.answer.body);
    }
    if (isTestAction(req, url, body)) return testAction(req, url, body, res);
    if (req.method === 'GET' && is(urls.authorize, url)) return authorize(url, res);
    if (req.method === 'POST' && is(urls.token, url)) return tokenEndpoint(req, body, res, 'token');
    if (req.method === 'POST' && is(urls.refresh, url)) return tokenEndpoint(req, body, res, 'refresh');
    if (req.method === 'POST' && is(urls.revoke, url)) return revokeEndpoint(body, res);
    if (host === urls.api.hostname && events?.handle(req, url, body, res)) return;
    const base = urls.api.pathname.replace(/\/+$/, '');
    if (
      (host === urls.api.hostname || host === nextLinkHost) &&
      (url.pathname === base || url.pathname.startsWith(`${base}/`))
    )
      return api(req, url, body, res);
    notFound(req, url, res);
  }

  // The subscription requests carry the same credentials and fixed headers as any API call.
  const events = fakeEvents(connector, ctx, urls.api, (req, url, res) => {
    const fixed = fixedHeaderProblem(req);
    if (fixed) {
      refuse(res, 400, 'invalid_request', fixed);
      return false;
    }
    if (!credentialsOk(req, url)) {
      send(res, fixture.api.error.status, fixture.api.error.body);
      return false;
    }
    return true;
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      state.problems.push(`fake provider failed: ${err.message}`);
      if (!res.headersSent) send(res, 500, { error: 'fake_provider_failed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hosts,
    routes: [{ hosts, port }],
    urls,
    requests: state.requests,
    unexpected: state.unexpected,
    problems: state.problems,
    get reusedRefreshTokens() {
      return state.reused;
    },
    get refreshes() {
      return state.refreshes;
    },
    get mints() {
      return state.mints;
    },
    get rateLimited() {
      return state.rateLimited;
    },
    rateLimitNext: (seconds, rule = 0) => {
      const rules = rateLimitRules(connector.rate_limit);
      rateLimits.push({ seconds, rule: rules[rule] ?? rules[0]! });
    },
    allowRedirectUri: (uri) => {
      redirectUris.add(uri);
    },
    isLiveAccessToken: liveAccess,
    subscriptions: events?.subscriptions ?? new Map(),
    deletedSubscriptions: events?.deleted ?? [],
    deliver: (id, delivery) => {
      if (!events) throw new Error(`${connector.key} has no programmatic events`);
      return events.deliver(id, delivery);
    },
    isLiveRefreshToken: (t) => {
      const f = familyOf.get(t);
      return !!f && !f.revoked && f.current === t;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
