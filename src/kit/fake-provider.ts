// One generic, strict fake provider, driven by a connector file and its fixture: it answers at
// the connector's real host names (through the internet stand-in) as the provider would, and
// refuses whatever the connector file says the provider refuses. OAuth2: the authorize page
// (client, exact redirect URI, state, S256 PKCE, scopes), the token endpoint (the declared client
// authentication only, single-use codes bound to the redirect URI and verifier, refresh with
// rotation and reuse detection). The API: the credentials exactly as `inject` says, the test
// action, every action's records page by page. Anything else answers 404 and is recorded.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Action, ActionInput } from '../connectors/action-schema.js';
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
import { pagingOf } from '../core/actions/paging.js';
import { fixedHeaderValue } from '../core/connector-profiles/target.js';
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
  headers: IncomingHttpHeaders;
  /** The query's values (the last of a repeated name). */
  query: Record<string, string>;
  /** The body as text ('' when there is none). */
  body: string;
}

export interface FakeProviderOptions {
  /**
   * More host names the API answers at, beside the one `base_url` renders to: another instance a
   * token field may name (Salesforce's `instance_url` after a move).
   */
  apiHosts?: string[];
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
   * Answers the next API call (an action or the test action) with a rate limit as one of the
   * connector's `rate_limit` rules declares it (the first by default: its first status, its
   * `when_header`, its retry header in its format), saying to wait `seconds`.
   */
  rateLimitNext(seconds: number, rule?: number): void;
  /** API calls answered with a rate limit so far. */
  readonly rateLimited: number;
  /** Registers the OAuth app's redirect URI (our server's callback URL). */
  allowRedirectUri(uri: string): void;
  /**
   * The fixture the fake serves, live: records, page sizes and token fields changed here show in
   * the next answer.
   */
  readonly fixture: Fixture;
  /**
   * Tokens as the token endpoint would answer a code exchange, without the browser (an account
   * that starts out connected): a live access token and, when the fixture gives one, its refresh token.
   */
  issueTokens(): Record<string, unknown>;
  /**
   * Also accepts these config values as credentials (another API key, another user of it), as
   * `inject` sends them; `refuseConfig` takes them back.
   */
  acceptConfig(values: Record<string, string>): void;
  refuseConfig(values: Record<string, string>): void;
  /**
   * Registers a subscription as an admin does in the provider's settings (manual events): where
   * deliveries go and the secret they are signed with. Returns its id for `deliver`.
   */
  subscribe(url: string, secret: string | null): string;
  isLiveAccessToken(token: string): boolean;
  isLiveRefreshToken(token: string): boolean;
  /** Connector events: the subscriptions the connector's create requests registered, by id. */
  readonly subscriptions: Map<string, FakeSubscription>;
  /** Ids of the subscriptions the connector's delete requests removed. */
  readonly deletedSubscriptions: string[];
  /** Sends a provider delivery to a subscription's URL, signed as its `verify` checks expect. */
  deliver(subscriptionId: string, delivery: FakeDelivery): Promise<DeliveryAnswer>;
  /** Record reads for an id the fixture does not hold, answered with `api.not_found`. */
  readonly missing: string[];
  /** Requests of each kind since the start (or the last `reset`), refused ones included. */
  readonly counts: Counts;
  /** The last authorization the authorize page granted (a code), or null. */
  readonly lastAuthorization: Authorization | null;
  /** The next `count` authorize requests that pass every check redirect back with `access_denied`. */
  denyNextAuthorization(count?: number): void;
  /** The next `count` token requests (token and refresh URL) get `answer` (Infinity: until `reset`). */
  failTokenNext(answer: FaultAnswer, count?: number): void;
  /** The next `count` API calls with live credentials get `answer` (Infinity: until `reset`). */
  failApiNext(answer: FaultAnswer, count?: number): void;
  /** Holds every token request `ms` before answering it (a slow token endpoint). */
  delayToken(ms: number): void;
  /** Holds the n-th API call (0-based, since the start or `reset`) `delay(n)` ms before answering it. */
  delayApi(delay: number | ((n: number) => number)): void;
  /** Moves the fake's clock forward: codes and access tokens expire by it. */
  advanceTime(ms: number): void;
  /** Ends the life of every access token issued so far; refresh tokens stay live. */
  expireAccessTokens(): void;
  /** Revokes every grant (an admin removed the app): its access and refresh tokens die. */
  revokeAll(): void;
  /**
   * Drops every fault, delay, queued denial and rate limit, zeroes the counts and empties
   * `requests`, `unexpected`, `problems` and `missing`. Tokens, codes and the clock stay.
   */
  reset(): void;
  close(): Promise<void>;
}

/** A canned answer a fault hook sends instead of the real one. */
export interface FaultAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Counts {
  authorize: number;
  /** Every request at the token or refresh URL. */
  token: number;
  /** Token requests with `grant_type=refresh_token` (`refreshes` counts only the granted ones). */
  refresh: number;
  revoke: number;
  /** Calls that reached an API route (test action, actions, routes, discovery, events). */
  api: number;
}

export interface Authorization {
  code: string;
  redirectUri: string;
  state: string;
  scope: string | null;
  codeChallenge: string | null;
}

interface Family {
  current: string;
  used: Set<string>;
  revoked: boolean;
  /** The scopes granted: the authorize request's (unset: the connector's required scopes). */
  scope?: string[];
}

interface Grant {
  redirectUri: string;
  /** The authorize request's `scope` parameter, as sent. */
  scope?: string | null;
  challenge: string | null;
  used: boolean;
  expiresAt: number;
}

interface ServedAction {
  action: Action;
  fixture: ActionFixture;
  /** The host of the action's own `base_url`, or null: the API's hosts. */
  host: string | null;
  /**
   * Query values a `result.next.input` goes into (QuickBooks' query text): matched by their
   * template, the paging input's value read from the capture.
   */
  pagedQuery: Array<[string, RegExp]>;
  method: string;
  path: string;
  query: Array<[string, string]>;
  /** Query names whose value is one optional input: a call may leave them out (the provider's default then applies). */
  optionalQuery: string[];
  /** Top-level body values with no placeholder (a GraphQL query text): they tell actions on one route apart. */
  fixed: Array<[string, string]>;
  /** For a path with input placeholders (`/contracts/${input.id}`): any value there is this action. */
  pattern: PathPattern | null;
}

interface PathPattern {
  re: RegExp;
  /** The input each capture group stands for, in order. */
  keys: string[];
  /** The fixture input's own values for those inputs, as text. */
  known: string[];
}

const PLACEHOLDER = /\$\{([a-z_]+)\.([A-Za-z0-9_]+)\}/g;
const INPUT_PLACEHOLDER = /\$\{input\.([a-z][a-z0-9_]*)\}/g;
/** A template that is exactly one input: the value arrives typed (body) or as text (path, query). */
const WHOLE_INPUT = /^\$\{input\.([a-z][a-z0-9_]*)\}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
  const out: ServedAction[] = [];
  for (const action of connector.actions) {
    const f = fixture.actions[action.id];
    if (!f) continue;
    // An action with its own base URL (another host of the provider) is served there only.
    const own = action.request.base_url
      ? renderConnectorUrl(connector, action.request.base_url, ctx, `actions.${action.id}.request.base_url`)
      : null;
    const base = (own ?? api).pathname.replace(/\/+$/, '');
    const input = withDefaults(action, f.input);
    const actx = { ...ctx, input } as TemplateContext;
    const path = new URL(`https://fake${base}${render(action.request.path, actx, encodeURIComponent)}`)
      .pathname;
    const query: Array<[string, string]> = [];
    const optionalQuery: string[] = [];
    const pagedQuery = pagedQueryPatterns(action, actx);
    for (const [k, tpl] of Object.entries(action.request.query)) {
      if (pagedQuery.some(([key]) => key === k)) continue;
      const whole = action.inputs.find((i) => i.key === WHOLE_INPUT.exec(tpl)?.[1]);
      if (whole && !whole.required) optionalQuery.push(k);
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
    if (f.key && action.result.next)
      throw new Error(
        `actions.${action.id}.key: the action pages; key is for an action that reads one record`,
      );
    const pattern = pathPattern(action.request.path, actx, base, input);
    out.push({
      action,
      fixture: f,
      host: own?.hostname ?? null,
      pagedQuery,
      method: action.request.method,
      path,
      query,
      optionalQuery,
      fixed,
      pattern,
    });
  }
  // The most specific request first: a fixed path before one with input values in it, then
  // actions on one path differ by their query or fixed body values.
  const rank = (a: ServedAction) => (a.pattern ? 0 : 1000) + a.query.length + a.fixed.length;
  return out.sort((a, b) => rank(b) - rank(a));
}

/**
 * The query entries whose templates hold the paging input (`result.next.input`), each as a regex
 * of its rendered text with that input as the one capture.
 */
function pagedQueryPatterns(action: Action, actx: TemplateContext): Array<[string, RegExp]> {
  const p = pagingOf(action);
  const name = p && 'input' in p ? p.input : undefined;
  if (!name) return [];
  const mark = `\${input.${name}}`;
  return Object.entries(action.request.query)
    .filter(([, tpl]) => tpl.includes(mark))
    .map(([k, tpl]): [string, RegExp] => {
      const parts = tpl.split(mark).map((part) => escapeRe(render(part, actx)));
      return [k, new RegExp(`^${parts.join('(.+?)')}$`)];
    });
}

/** The paths an action's path template can render to, whatever its input values. */
function pathPattern(
  template: string,
  actx: TemplateContext,
  base: string,
  input: Record<string, unknown>,
): PathPattern | null {
  const literal = (text: string) => escapeRe(render(text, actx, encodeURIComponent));
  const keys: string[] = [];
  let source = escapeRe(base);
  let last = 0;
  for (const m of template.matchAll(INPUT_PLACEHOLDER)) {
    source += `${literal(template.slice(last, m.index))}([^/]+)`;
    keys.push(m[1]!);
    last = m.index + m[0].length;
  }
  if (keys.length === 0) return null;
  source += literal(template.slice(last));
  const known = keys.map((k) => String(input[k] ?? ''));
  return { re: new RegExp(`^${source}$`), keys, known };
}

/**
 * Why a value sent for an action input breaks the input's declaration, or null. `asText`: the
 * value came in a path or a query, where every type travels as text.
 */
export function inputProblem(input: ActionInput, value: unknown, asText: boolean): string | null {
  if (input.type === 'string') {
    if (typeof value !== 'string') return 'is not a string';
    if (value.length > input.max_length) return `is longer than ${input.max_length} characters`;
    if (input.enum && !input.enum.includes(value)) return `is not one of ${input.enum.join(', ')}`;
    if (input.pattern && !new RegExp(input.pattern).test(value)) return `does not match ${input.pattern}`;
    return null;
  }
  if (input.type === 'boolean') {
    const ok = asText ? value === 'true' || value === 'false' : typeof value === 'boolean';
    return ok ? null : 'is not a boolean';
  }
  const n = asText && typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return 'is not a number';
  if (input.type === 'integer' && !Number.isInteger(n)) return 'is not an integer';
  if (input.minimum !== undefined && n < input.minimum) return `is below the minimum ${input.minimum}`;
  if (input.maximum !== undefined && n > input.maximum) return `is above the maximum ${input.maximum}`;
  return null;
}

/**
 * What a JSON body breaks of the action's body template, or null: a key the template does not
 * have (but the paging key), a required input left out, a value its input refuses, a fixed value
 * changed. `at` names the place (`body.name`).
 */
export function bodyProblem(
  template: unknown,
  sent: unknown,
  inputs: Map<string, ActionInput>,
  at: string,
  pagedAt?: string,
): string | null {
  if (typeof template === 'string') {
    const input = inputs.get(WHOLE_INPUT.exec(template)?.[1] ?? '');
    if (input) {
      if (sent === undefined)
        return input.required ? `${at} is missing (input ${input.key} is required)` : null;
      const why = inputProblem(input, sent, false);
      return why && `${at} ${why}`;
    }
    if (template.includes('${')) return typeof sent === 'string' ? null : `${at} is not a string`;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(sent)) return `${at} is not an array`;
    for (const [i, t] of template.entries()) {
      const why = bodyProblem(t, sent[i], inputs, `${at}[${i}]`, pagedAt);
      if (why) return why;
    }
    return null;
  }
  if (template && typeof template === 'object') {
    // An object whose inputs are all absent is left out of the request.
    const given = sent === undefined ? {} : sent;
    if (!given || typeof given !== 'object' || Array.isArray(given)) return `${at} is not an object`;
    const tpl = template as Record<string, unknown>;
    for (const k of Object.keys(given))
      if (!(k in tpl) && `${at}.${k}` !== pagedAt) return `${at}.${k} is not in the action's body`;
    for (const [k, t] of Object.entries(tpl)) {
      const why = bodyProblem(t, (given as Record<string, unknown>)[k], inputs, `${at}.${k}`, pagedAt);
      if (why) return why;
    }
    return null;
  }
  return JSON.stringify(sent) === JSON.stringify(template)
    ? null
    : `${at} is ${JSON.stringify(sent)}, not ${JSON.stringify(template)}`;
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
function rateLimitAnswer(
  rule: RateLimit,
  seconds: number,
  res: ServerResponse,
  answer: Fixture['api']['rate_limited'],
) {
  const at = Date.now() + seconds * 1000;
  const value = {
    seconds: String(seconds),
    http_date: new Date(at).toUTCString(),
    unix_seconds: String(Math.floor(at / 1000)),
    unix_ms: String(at),
  }[rule.retry_after.format ?? 'seconds'];
  const headers: Record<string, string> = { ...answer.headers, [rule.retry_after.header]: value };
  if (rule.when_header && rule.when_header.name !== rule.retry_after.header)
    headers[rule.when_header.name] = rule.when_header.equals ?? '1';
  send(res, rule.statuses[0]!, answer.body, headers);
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

/** The body check of a write action (a JSON body on POST, PUT or PATCH), or null when it passes or there is none. */
function writeBodyProblem(action: Action, sent: unknown): string | null {
  const { body, body_format, method } = action.request;
  if (body === undefined || body_format === 'form' || !['POST', 'PUT', 'PATCH'].includes(method)) return null;
  if (sent === undefined) return 'the body is not JSON';
  const next = pagingOf(action);
  const pagedAt = next && 'body_key' in next && next.body_key ? `body.${next.body_key}` : undefined;
  return bodyProblem(body, sent, new Map(action.inputs.map((i) => [i.key, i])), 'body', pagedAt);
}

/**
 * A query value sent at an action's address that breaks its input's declaration (a page size past
 * its maximum, a malformed id list), or null: the connector should have refused it.
 */
function actionQueryProblem(action: Action, url: URL): string | null {
  for (const [k, tpl] of Object.entries(action.request.query)) {
    const input = action.inputs.find((i) => i.key === WHOLE_INPUT.exec(tpl)?.[1]);
    const v = url.searchParams.get(k);
    const why = input && v !== null && inputProblem(input, v, true);
    if (why) return `query ${k} ${why}`;
  }
  return null;
}

/** `api.refusals` by name as `wrongCredentials` reports it; each must be a credential `inject` sends. */
function credentialRefusals(connector: Connector, fixture: Fixture) {
  const names = new Set([
    ...Object.keys(connector.inject.headers).map((n) => n.toLowerCase()),
    ...Object.keys(connector.inject.query),
    ...(connector.inject.basic ? ['authorization'] : []),
  ]);
  const out = new Map<string, Fixture['api']['error']>();
  for (const [name, answer] of Object.entries(fixture.api.refusals)) {
    const key = names.has(name) ? name : name.toLowerCase();
    if (!names.has(key))
      throw new Error(`api.refusals.${name}: not a credential ${connector.key}'s inject sends`);
    out.set(key, answer);
  }
  return out;
}

/** Starts the fake provider for one connector and its fixture on a loopback port. */
export async function startFakeProvider(
  connector: Connector,
  fixture: Fixture,
  opts: FakeProviderOptions = {},
): Promise<FakeProvider> {
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
      ...(opts.apiHosts ?? []).map((h) => h.toLowerCase()),
    ]),
  ];
  const apiHosts = new Set([urls.api.hostname, ...(opts.apiHosts ?? []).map((h) => h.toLowerCase())]);
  const actions = servedActions(connector, fixture, ctx, urls.api);
  for (const a of actions) if (a.host && !hosts.includes(a.host)) hosts.push(a.host);
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
    missing: [] as string[],
    reused: 0,
    refreshes: 0,
    mints: 0,
    rateLimited: 0,
    counts: { authorize: 0, token: 0, refresh: 0, revoke: 0, api: 0 } as Counts,
    lastAuthorization: null as Authorization | null,
  };
  const rateLimits: Array<{ seconds: number; rule: RateLimit }> = [];
  // What a test asks for at run time; `reset` puts all of it back.
  const idle = () => ({
    denials: 0,
    tokenFault: null as { answer: FaultAnswer; left: number } | null,
    apiFault: null as { answer: FaultAnswer; left: number } | null,
    tokenDelay: 0,
    apiDelay: (_n: number) => 0,
    apiCalls: 0,
  });
  let hooks = idle();
  // The fake's clock: tests move it forward instead of waiting for codes and tokens to expire.
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const refusals = credentialRefusals(connector, fixture);
  const locators = new Map<string, string>();
  // `api.rate_window`: when the current window began on the fake's clock, and the calls in it.
  const rateWindow = { start: null as number | null, used: 0 };
  // Config values `acceptConfig` added, by their JSON: each is another set of good credentials.
  const accepted = new Map<string, TemplateContext>();

  /** Takes one use of a fault hook, or null when none is armed. */
  function takeFault(slot: 'tokenFault' | 'apiFault'): FaultAnswer | null {
    const fault = hooks[slot];
    if (!fault || fault.left <= 0) return null;
    fault.left--;
    return fault.answer;
  }

  const sendFault = (res: ServerResponse, f: FaultAnswer) => send(res, f.status, f.body ?? {}, f.headers);

  const refuse = (res: ServerResponse, status: number, error: string, description: string) => {
    state.problems.push(`${error}: ${description}`);
    send(res, status, { error, error_description: description });
  };

  function issue(family: Family): Record<string, unknown> {
    const access = token('at');
    const expiresIn = fixture.token.expires_in;
    accessTokens.set(access, {
      family,
      expiresAt: expiresIn === null ? null : now() + expiresIn * 1000,
    });
    secrets.add(access);
    return {
      access_token: access,
      ...(fixture.token.token_type === null ? {} : { token_type: fixture.token.token_type }),
      ...(expiresIn === null ? {} : { expires_in: expiresIn }),
      scope: auth ? (family.scope ?? requiredScopes(auth, fixture)).join(auth.scopes.separator) : undefined,
      ...fixture.token.fields,
      ...tokenSignature(),
    };
  }

  /** `token.signature`: the HMAC of the named token fields with the client secret, so a client can check the answer. */
  function tokenSignature(): Record<string, string> {
    const sig = fixture.token.signature;
    if (!sig || !client) return {};
    const signed = sig.of.map((name) => {
      const v = fixture.token.fields[name];
      if (v === undefined) throw new Error(`token.signature signs ${name}, which token.fields lacks`);
      return String(v);
    });
    const mac = createHmac(sig.algorithm, client.secret).update(signed.join(''));
    return { [sig.param]: mac.digest(sig.encoding) };
  }

  /** Sends the end user back to the callback with an OAuth error, as the provider's consent page does. */
  function redirectError(
    res: ServerResponse,
    redirectUri: string,
    state: string | null,
    error: string,
    description = fixture.authorize.denied_description,
  ) {
    const back = new URL(redirectUri);
    back.searchParams.set('error', error);
    back.searchParams.set('error_description', description);
    if (state) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.toString() }).end();
  }

  function newRefreshToken(family: Family): string {
    const refresh = token('rt');
    family.current = refresh;
    familyOf.set(refresh, family);
    secrets.add(refresh);
    return refresh;
  }

  function authorize(url: URL, res: ServerResponse) {
    state.counts.authorize++;
    const q = url.searchParams;
    if (!auth || !client || q.get('client_id') !== client.id) {
      const answer = fixture.authorize.unknown_client;
      return send(res, answer.status, answer.body);
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectUris.has(redirectUri))
      return refuse(res, 400, 'redirect_uri_mismatch', `redirect_uri ${redirectUri} is not registered`);
    // `authorize.redirect_errors`: once the client and the redirect URI check out, the provider
    // sends a refusal back to the callback (RFC 6749 §4.1.2.1) instead of answering it on its page.
    const refuseBack = (error: string, description: string) => {
      if (!fixture.authorize.redirect_errors) return refuse(res, 400, error, description);
      state.problems.push(`${error}: ${description}`);
      return redirectError(res, redirectUri, q.get('state'), error, description);
    };
    if (q.get('response_type') !== 'code')
      return refuseBack('unsupported_response_type', 'response_type must be code');
    if (!q.get('state')) return refuseBack('invalid_request', 'state is missing');
    const challenge = q.get('code_challenge');
    if (challenge && q.get('code_challenge_method') !== 'S256')
      return refuseBack('invalid_request', 'code_challenge_method must be S256 (plain is refused)');
    if (!challenge && auth.pkce.supported && auth.pkce.default)
      return refuseBack('invalid_request', 'missing required code challenge');
    if (!auth.scopes.send) {
      // The app settings fix the scopes: a `scope` parameter is refused.
      if (q.has('scope'))
        return refuseBack('invalid_scope', 'scope is not accepted: the app settings fix the scopes');
    } else {
      const asked = new Set((q.get('scope') ?? '').split(auth.scopes.separator).filter(Boolean));
      const missing = requiredScopes(auth, fixture).filter((s) => !asked.has(s));
      if (missing.length) return refuseBack('invalid_scope', `scope lacks ${missing.join(', ')}`);
    }
    // The end user refuses on the consent page, after the provider accepted the request.
    if (hooks.denials > 0) {
      hooks.denials--;
      return redirectError(res, redirectUri, q.get('state')!, 'access_denied');
    }
    const code = token('code');
    grants.set(code, {
      redirectUri,
      scope: q.get('scope'),
      challenge,
      used: false,
      expiresAt: now() + fixture.authorize.code_ttl * 1000,
    });
    state.lastAuthorization = {
      code,
      redirectUri,
      state: q.get('state')!,
      scope: q.get('scope'),
      codeChallenge: challenge,
    };
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

  /** Counts a token request and plays the fault hooks (a slow or failing endpoint) before answering it. */
  async function tokenRequest(
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
    at: 'token' | 'refresh',
  ) {
    state.counts.token++;
    const form = tokenParams(req, body);
    if (typeof form !== 'string' && form.get('grant_type') === 'refresh_token') state.counts.refresh++;
    if (hooks.tokenDelay > 0) await sleep(hooks.tokenDelay);
    const fault = takeFault('tokenFault');
    if (fault) return sendFault(res, fault);
    tokenEndpoint(req, body, res, at);
  }

  function tokenEndpoint(req: IncomingMessage, body: string, res: ServerResponse, at: 'token' | 'refresh') {
    const form = tokenParams(req, body);
    if (typeof form === 'string') return refuse(res, 400, 'invalid_request', form);
    const header = tokenHeaderProblem(req);
    if (header) return refuse(res, 400, 'invalid_request', header);
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
    // A code exchanged too late is the provider's documented answer, not a broken rule.
    if (g.expiresAt <= now())
      return send(res, 400, { error: 'invalid_grant', error_description: 'expired authorization code' });
    if (form.get('redirect_uri') !== g.redirectUri)
      return refuse(res, 400, 'invalid_grant', 'redirect_uri differs from the authorize request');
    const verifier = form.get('code_verifier');
    if (g.challenge && (!verifier || s256(verifier) !== g.challenge))
      return refuse(res, 400, 'invalid_grant', 'code_verifier does not match the code challenge');
    // A verifier for a code issued without a challenge: the challenge got lost (a PKCE downgrade).
    if (!g.challenge && verifier)
      return refuse(
        res,
        400,
        'invalid_grant',
        'code_verifier sent for a code issued without a code challenge',
      );
    const family: Family = { current: '', used: new Set(), revoked: false, scope: grantedScopes(g) };
    if (!handsOutRefresh(family.scope!)) return send(res, 200, issue(family));
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

  /** The `token_request.headers` a token, refresh or revocation request lacks or gets wrong. */
  function tokenHeaderProblem(req: IncomingMessage): string | null {
    return headersProblem(req, auth?.token_request.headers ?? {}, (tpl) => render(tpl, ctx));
  }

  /**
   * The first of `templates` a request lacks or gets wrong, each rendered by `want` with the
   * fixture's values; null from `want` means the header must not be sent.
   */
  function headersProblem(
    req: IncomingMessage,
    templates: Record<string, string>,
    want: (template: string) => string | null,
  ): string | null {
    for (const [name, tpl] of Object.entries(templates)) {
      const expected = want(tpl);
      const got = req.headers[name.toLowerCase()];
      if (expected === null) {
        if (got !== undefined) return `header ${name} is "${got}", but the value it names is empty`;
      } else if (got !== expected)
        return `header ${name} is ${got === undefined ? 'missing' : `"${got}"`}, not "${expected}"`;
    }
    return null;
  }

  /** The revocation request's parameters as `revoke_request.body_format` says, or why they cannot be read. */
  function revocationParams(req: IncomingMessage, body: string): URLSearchParams | string {
    const type = req.headers['content-type'] ?? '';
    if (auth?.revoke_request.body_format !== 'json')
      return type.startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(body)
        : 'the revocation request must be form-encoded (RFC 7009)';
    const json = type.startsWith('application/json') ? jsonOrUndefined(body) : undefined;
    if (!json || typeof json !== 'object' || Array.isArray(json))
      return 'the revocation request must be one JSON object (application/json)';
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(json)) if (typeof v === 'string') out.set(k, v);
    return out;
  }

  function revokeEndpoint(req: IncomingMessage, body: string, res: ServerResponse) {
    state.counts.revoke++;
    const params = revocationParams(req, body);
    if (typeof params === 'string') return refuse(res, 400, 'invalid_request', params);
    const header = tokenHeaderProblem(req);
    if (header) return refuse(res, 400, 'invalid_request', header);
    if (auth?.revoke_request.client_auth) {
      const why = clientAuthProblem(req, params);
      if (why) return refuse(res, 401, 'invalid_client', why);
    }
    const t = params.get('token') ?? '';
    if (!t) return refuse(res, 400, 'invalid_request', 'the revocation request names no token');
    const family = familyOf.get(t) ?? accessTokens.get(t)?.family;
    if (family) family.revoked = true;
    send(res, 200, '');
  }

  function liveAccess(t: string): boolean {
    const a = accessTokens.get(t);
    return !!a && !a.family.revoked && (a.expiresAt === null || a.expiresAt > now());
  }

  /** Whether `value` is what `template` renders to, a live access token standing in for its placeholder. */
  function matchesInjected(template: string, value: string | undefined, values = ctx): boolean {
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
        source += escapeRe(render(m[0], values));
      } catch {
        return false;
      }
    }
    source += escapeRe(template.slice(last));
    const found = new RegExp(`^${source}$`).exec(value);
    return !!found && tokens.every((i) => liveAccess(found[i]!));
  }

  /**
   * The names of the `inject` entries a call gets wrong (header names lower-cased, `authorization`
   * for Basic): against the fixture's config, or the accepted config nearest to what was sent.
   */
  function wrongCredentials(req: IncomingMessage, url: URL): string[] {
    let best: string[] | null = null;
    for (const values of [ctx, ...accepted.values()]) {
      const wrong = wrongFor(req, url, values);
      if (!best || wrong.length < best.length) best = wrong;
    }
    return best!;
  }

  function wrongFor(req: IncomingMessage, url: URL, values: TemplateContext): string[] {
    const headers = Object.entries(connector.inject.headers)
      .filter(([name, tpl]) => {
        const v = req.headers[name.toLowerCase()];
        return !matchesInjected(tpl, Array.isArray(v) ? v[0] : v, values);
      })
      .map(([name]) => name.toLowerCase());
    const query = Object.entries(connector.inject.query)
      .filter(([name, tpl]) => !matchesInjected(tpl, url.searchParams.get(name) ?? undefined, values))
      .map(([name]) => name);
    return [...headers, ...query, ...(basicOk(req) ? [] : ['authorization'])];
  }

  /**
   * Counts an API call and answers it when its credentials are wrong (the fixture's `api.error`,
   * or the `api.refusals` answer when its entry is the only one wrong) or an API fault is armed.
   * True when it answered.
   */
  function refused(req: IncomingMessage, url: URL, res: ServerResponse): boolean {
    state.counts.api++;
    const wrong = wrongCredentials(req, url);
    if (wrong.length > 0) {
      const answer = (wrong.length === 1 && refusals.get(wrong[0]!)) || fixture.api.error;
      send(res, answer.status, answer.body);
      return true;
    }
    const fault = takeFault('apiFault');
    if (fault) sendFault(res, fault);
    return !!fault;
  }

  /** The scopes a code grants: its authorize request's `scope` (the required ones when it sent none). */
  function grantedScopes(g: Grant): string[] {
    if (!auth) return [];
    if (g.scope === null || g.scope === undefined) return requiredScopes(auth, fixture);
    return g.scope.split(auth.scopes.separator).filter(Boolean);
  }

  /** `token.refresh_scopes`: whether a grant of these scopes gets a refresh token. */
  function handsOutRefresh(scopes: string[]): boolean {
    const want = fixture.token.refresh_scopes;
    return fixture.token.refresh_token && (!want || want.some((s) => scopes.includes(s)));
  }

  /**
   * `api.rate_window`: counts a call in the provider's own window; past its limit the call is
   * answered as the connector's first `rate_limit` rule declares, saying to wait out the window.
   */
  function windowLimited(res: ServerResponse): boolean {
    const w = fixture.api.rate_window;
    if (!w) return false;
    const at = now();
    if (rateWindow.start === null || at - rateWindow.start >= w.seconds * 1000)
      Object.assign(rateWindow, { start: at, used: 0 });
    if (++rateWindow.used <= w.requests) return false;
    state.rateLimited++;
    const left = Math.max(1, Math.ceil((rateWindow.start! + w.seconds * 1000 - at) / 1000));
    rateLimitAnswer(rateLimitRules(connector.rate_limit)[0]!, left, res, fixture.api.rate_limited);
    return true;
  }

  /**
   * `events.subscription.requires_scope` with the fixture's `subscription`: a subscription request
   * whose token's answer listed none of those scopes is refused with `subscription.forbidden`.
   */
  function subscriptionForbidden(req: IncomingMessage, res: ServerResponse): boolean {
    const needs = connector.events?.subscription?.requires_scope ?? [];
    const rules = fixture.subscription;
    if (!rules || !auth || needs.length === 0) return false;
    const seen = JSON.stringify(req.headers);
    const found = [...accessTokens].find(([t]) => seen.includes(t))?.[1];
    const granted = found?.family.scope ?? requiredScopes(auth, fixture);
    if (needs.some((s) => granted.includes(s))) return false;
    state.problems.push(`insufficient_scope: the grant has none of ${needs.join(', ')}`);
    send(res, rules.forbidden.status, rules.forbidden.body);
    return true;
  }

  /** Answers a call with the next rate limit `rateLimitNext` queued; true when it did. */
  function queuedRateLimit(res: ServerResponse): boolean {
    const wait = rateLimits.shift();
    if (wait === undefined) return false;
    state.rateLimited++;
    rateLimitAnswer(wait.rule, wait.seconds, res, fixture.api.rate_limited);
    return true;
  }

  /** Holds an action or test-action call as `delayApi` says. */
  async function apiWait() {
    const ms = hooks.apiDelay(hooks.apiCalls++);
    if (ms > 0) await sleep(ms);
  }

  /** `inject.basic`: `Authorization: Basic base64(username:password)` rendered from the fixture's values. */
  function basicOk(req: IncomingMessage): boolean {
    return !connector.inject.basic || (!!basicPair && req.headers.authorization === `Basic ${basicPair}`);
  }

  /**
   * The connector's fixed `headers` a provider call lacks or gets wrong (rendered with the
   * fixture's values); one naming an optional field the fixture leaves empty must not be sent.
   */
  function fixedHeaderProblem(req: IncomingMessage): string | null {
    return headersProblem(req, connector.headers, (tpl) => fixedHeaderValue(connector, tpl, ctx));
  }

  function actionPage(served: ServedAction, records: unknown[], req: PageRequest, res: ServerResponse) {
    const { action, fixture: f } = served;
    const style = pagingStyle(action, {
      pageParam: fixture.page_param,
      linkAs: fixture.next_link,
      origin: fixture.next_link_origin,
      pageSize: f.page_size,
    });
    const dataPath = action.result.data;
    if (!style) {
      const value = records.length === 1 ? records[0] : records;
      if (dataPath === '' || dataPath === '$') return send(res, 200, value);
      const body: Record<string, unknown> = {};
      setAt(body, dataPath, value);
      return send(res, 200, body);
    }
    const answer = answerPage(style, req, records, dataPath);
    if (typeof answer === 'string') return refuse(res, 400, 'invalid_request', `${action.id}: ${answer}`);
    asLocator(action, answer.body, style.size);
    send(res, 200, answer.body, answer.headers);
  }

  /** `next_link_locator`: the answer's next-page URL becomes a locator path, as Salesforce's nextRecordsUrl. */
  function asLocator(action: Action, body: unknown, size: number) {
    const prefix = fixture.next_link_locator;
    const p = pagingOf(action);
    if (!prefix || p?.type !== 'url' || !body || typeof body !== 'object') return;
    const link = pick(body, p.path);
    if (typeof link !== 'string') return;
    const page = Number(new URL(link, 'https://fake').searchParams.get(fixture.page_param));
    const locator = `01g${String(locators.size + 1).padStart(15, '0')}-${(page - 1) * size}`;
    locators.set(locator, link);
    setAt(body as Record<string, unknown>, p.path, `${prefix}/${locator}`);
  }

  /** The URL a call means: a query locator the fake handed out stands for the next-page link it replaced. */
  function locatedUrl(url: URL): URL | string {
    const prefix = fixture.next_link_locator;
    if (!prefix || !url.pathname.startsWith(`${prefix}/`)) return url;
    const link = locators.get(url.pathname.slice(prefix.length + 1));
    return link
      ? new URL(link, url.origin)
      : `${url.pathname} is not a query locator this provider handed out`;
  }

  /** The values a request's path gives an action's path inputs ([] for a fixed path), or null when it is not the action's path. */
  function pathValues(a: ServedAction, url: URL): string[] | null {
    const host = url.hostname.toLowerCase();
    if (a.host ? a.host !== host : !apiHosts.has(host) && host !== nextLinkHost) return null;
    if (!a.pattern) return a.path === url.pathname ? [] : null;
    const m = a.pattern.re.exec(url.pathname);
    if (!m) return null;
    try {
      return m.slice(1).map((v) => decodeURIComponent(v));
    } catch {
      return null;
    }
  }

  /**
   * The records a call names: with the fixture's `key`, the one whose key is the path's last value;
   * else all of them, for the fixture input's own path values only. Null for an id nobody holds.
   */
  function recordsFor(a: ServedAction, values: string[]): unknown[] | null {
    const { pattern, fixture: f } = a;
    if (!pattern) return f.records;
    const key = f.key;
    if (!key) return values.every((v, i) => v === pattern.known[i]) ? f.records : null;
    const parentsKnown = values.slice(0, -1).every((v, i) => v === pattern.known[i]);
    const found = f.records.find((r) => String(pick(r, key)) === values.at(-1));
    return parentsKnown && found !== undefined ? [found] : null;
  }

  /** A call at an action's address: its path inputs and body checked, then its record or page answered. */
  function servedCall(
    a: ServedAction,
    values: string[],
    req: IncomingMessage,
    at: PageRequest,
    res: ServerResponse,
  ) {
    const { action } = a;
    for (const [i, key] of (a.pattern?.keys ?? []).entries()) {
      const input = action.inputs.find((x) => x.key === key);
      const why = input && inputProblem(input, values[i], true);
      if (why) return refuse(res, 400, 'invalid_request', `${action.id}: path input ${key} ${why}`);
    }
    const why = writeBodyProblem(action, at.body) ?? actionQueryProblem(action, at.url);
    if (why) return refuse(res, 400, 'invalid_request', `${action.id}: ${why}`);
    const records = recordsFor(a, values);
    if (records) return actionPage(a, records, at, res);
    state.missing.push(`${req.method} https://${at.url.host}${at.url.pathname}`);
    send(res, fixture.api.not_found.status, fixture.api.not_found.body);
  }

  /** Answers a request one of the actions' `variants` names by its query; false when none does. */
  function variantCall(req: IncomingMessage, at: URL, json: unknown, res: ServerResponse): boolean {
    for (const a of actions) {
      if (a.method !== req.method || !pathValues(a, at)) continue;
      const v = (a.fixture.variants ?? []).find((x) =>
        Object.entries(x.query).every(([k, want]) => at.searchParams.get(k) === want),
      );
      if (!v) continue;
      if (v.answer) send(res, v.answer.status, v.answer.body);
      else actionPage(a, v.records ?? a.fixture.records, { url: at, body: json }, res);
      return true;
    }
    return false;
  }

  /** A query value that breaks its input's declaration on a path an action serves: the connector should have refused it. */
  function queryInputProblem(req: IncomingMessage, url: URL): string | null {
    for (const a of actions) {
      if (a.method !== req.method || !pathValues(a, url)) continue;
      for (const [k, tpl] of Object.entries(a.action.request.query)) {
        const input = a.action.inputs.find((i) => i.key === WHOLE_INPUT.exec(tpl)?.[1]);
        const v = url.searchParams.get(k);
        const why = input && v !== null && inputProblem(input, v, true);
        if (why) return `${a.action.id}: query ${k} ${why}`;
      }
    }
    return null;
  }

  /** `api.headers`: what the provider sends on every API answer (the answer's own headers win). */
  function apiHeaders(res: ServerResponse) {
    for (const [name, value] of Object.entries(fixture.api.headers)) res.setHeader(name, value);
  }

  async function api(req: IncomingMessage, url: URL, body: string, res: ServerResponse) {
    apiHeaders(res);
    const fixed = fixedHeaderProblem(req);
    if (fixed) return refuse(res, 400, 'invalid_request', fixed);
    if (refused(req, url, res)) return;
    await apiWait();
    if (queuedRateLimit(res)) return;
    if (windowLimited(res)) return;
    const at = locatedUrl(url);
    if (typeof at === 'string') return refuse(res, 400, 'invalid_request', at);
    const json = jsonOrUndefined(body);
    const sent = (k: string) =>
      json && typeof json === 'object' ? JSON.stringify((json as Record<string, unknown>)[k]) : undefined;
    const variant = variantCall(req, at, json, res);
    if (variant) return;
    for (const a of actions) {
      if (a.method !== req.method) continue;
      const given = (k: string, v: string) =>
        at.searchParams.get(k) === v || (a.optionalQuery.includes(k) && !at.searchParams.has(k));
      if (!a.query.every(([k, v]) => given(k, v))) continue;
      if (!a.fixed.every(([k, v]) => sent(k) === v)) continue;
      const paged = a.pagedQuery.map(([k, re]) => re.exec(at.searchParams.get(k) ?? '')?.[1]);
      if (paged.some((v) => v === undefined)) continue;
      const values = pathValues(a, at);
      if (values) return servedCall(a, values, req, { url: at, body: json, input: paged[0] }, res);
    }
    const why = queryInputProblem(req, at);
    if (why) return refuse(res, 400, 'invalid_request', why);
    notFound(req, url, res);
  }

  /** Whether a request is the connector's test action (at `test_action.base_url` when it has one). */
  function isTestAction(req: IncomingMessage, url: URL, body: string): boolean {
    const at = urls.test ?? urls.api;
    const base = at.pathname.replace(/\/+$/, '');
    return (
      (urls.test ? hostOf(req) === at.hostname : apiHosts.has(hostOf(req))) &&
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
  async function testAction(req: IncomingMessage, url: URL, body: string, res: ServerResponse) {
    apiHeaders(res);
    const fixed = fixedHeaderProblem(req);
    if (fixed) return refuse(res, 400, 'invalid_request', fixed);
    if (refused(req, url, res)) return;
    await apiWait();
    if (queuedRateLimit(res)) return;
    if (windowLimited(res)) return;
    if (t.body !== undefined && JSON.stringify(jsonOrUndefined(body)) !== JSON.stringify(t.body))
      return refuse(res, 400, 'invalid_request', `the test action's body is not ${JSON.stringify(t.body)}`);
    send(res, fixture.api.test_action.status, fixture.api.test_action.body);
  }

  /** Something this provider does not serve: 405 at an address it serves with another method, else 404. */
  function notFound(req: IncomingMessage, url: URL, res: ServerResponse) {
    state.unexpected.push(`${req.method} https://${url.host}${url.pathname}`);
    const oauth = [urls.authorize, urls.token, urls.refresh, urls.revoke].some((u) => is(u, url));
    const on = actions.filter((a) => pathValues(a, url));
    const served = on.length > 0 && on.every((a) => a.method !== req.method);
    if (oauth || served) return send(res, 405, { error: 'method_not_allowed' });
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
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      body,
    };
    state.requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const route = fixture.routes.find(
      (r) => r.host.toLowerCase() === host && r.method === req.method && r.path === url.pathname,
    );
    if (route) {
      if (route.auth && refused(req, url, res)) return;
      return send(res, route.status, route.body);
    }
    const step = discovery.find((d) => d.method === req.method && is(d.url, url));
    if (step) {
      if (refused(req, url, res)) return;
      return send(res, step.answer.status, step.answer.body);
    }
    if (isTestAction(req, url, body)) return testAction(req, url, body, res);
    if (req.method === 'GET' && is(urls.authorize, url)) return authorize(url, res);
    if (req.method === 'POST' && is(urls.token, url)) return tokenRequest(req, body, res, 'token');
    if (req.method === 'POST' && is(urls.refresh, url)) return tokenRequest(req, body, res, 'refresh');
    if (req.method === 'POST' && is(urls.revoke, url)) return revokeEndpoint(req, body, res);
    if (apiHosts.has(host) && events?.handle(req, url, body, res)) return;
    const base = urls.api.pathname.replace(/\/+$/, '');
    if (
      ((apiHosts.has(host) || host === nextLinkHost) &&
        (url.pathname === base || url.pathname.startsWith(`${base}/`))) ||
      actions.some((a) => a.host === host && pathValues(a, url))
    )
      return api(req, url, body, res);
    notFound(req, url, res);
  }

  // The subscription requests carry the same credentials and fixed headers as any API call.
  const events = fakeEvents(
    connector,
    ctx,
    urls.api,
    (req, url, res) => {
      const fixed = fixedHeaderProblem(req);
      if (fixed) {
        refuse(res, 400, 'invalid_request', fixed);
        return false;
      }
      return !refused(req, url, res) && !subscriptionForbidden(req, res);
    },
    fixture.subscription && {
      ...fixture.subscription,
      problem: (why: string) => state.problems.push(`invalid_request: ${why}`),
    },
  );

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
    fixture,
    issueTokens: () => {
      const family: Family = { current: '', used: new Set(), revoked: false };
      const tokens = issue(family);
      return handsOutRefresh(auth ? requiredScopes(auth, fixture) : [])
        ? { ...tokens, refresh_token: newRefreshToken(family) }
        : tokens;
    },
    acceptConfig: (values) => {
      accepted.set(JSON.stringify(values), { ...ctx, config: { ...ctx.config, ...values } });
      for (const f of connector.config_fields.filter(isSecretField)) {
        const v = values[f.key];
        if (v && v.length >= 6) secrets.add(v);
      }
    },
    refuseConfig: (values) => {
      accepted.delete(JSON.stringify(values));
    },
    subscribe: (url, secret) => {
      if (!events) throw new Error(`${connector.key} has no events`);
      return events.subscribe(url, secret);
    },
    isLiveAccessToken: liveAccess,
    subscriptions: events?.subscriptions ?? new Map(),
    deletedSubscriptions: events?.deleted ?? [],
    deliver: (id, delivery) => {
      if (!events) throw new Error(`${connector.key} has no events`);
      return events.deliver(id, delivery);
    },
    isLiveRefreshToken: (t) => {
      const f = familyOf.get(t);
      return !!f && !f.revoked && f.current === t;
    },
    missing: state.missing,
    get counts() {
      return state.counts;
    },
    get lastAuthorization() {
      return state.lastAuthorization;
    },
    denyNextAuthorization: (count = 1) => {
      hooks.denials = count;
    },
    failTokenNext: (answer, count = 1) => {
      hooks.tokenFault = { answer, left: count };
    },
    failApiNext: (answer, count = 1) => {
      hooks.apiFault = { answer, left: count };
    },
    delayToken: (ms) => {
      hooks.tokenDelay = ms;
    },
    delayApi: (delay) => {
      hooks.apiDelay = typeof delay === 'number' ? () => delay : delay;
    },
    advanceTime: (ms) => {
      offsetMs += ms;
    },
    expireAccessTokens: () => {
      const at = now();
      for (const a of accessTokens.values()) a.expiresAt = at;
    },
    revokeAll: () => {
      for (const a of accessTokens.values()) a.family.revoked = true;
      for (const f of familyOf.values()) f.revoked = true;
    },
    reset: () => {
      hooks = idle();
      rateLimits.length = 0;
      rateWindow.start = null;
      for (const list of [state.requests, state.unexpected, state.problems, state.missing]) list.length = 0;
      Object.assign(state, { reused: 0, refreshes: 0, mints: 0, rateLimited: 0, lastAuthorization: null });
      state.counts = { authorize: 0, token: 0, refresh: 0, revoke: 0, api: 0 };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
