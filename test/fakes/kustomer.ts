// Fake Kustomer: OAuth2 authorization code (+ optional PKCE S256) with rotating
// refresh tokens, and a JSON:API-flavoured slice of the REST API. One server
// plays the authorize host, the token host and the org API host; the connector
// under test reaches it through URL overrides.
import type { ServerResponse } from 'node:http';
import {
  FakeClock,
  RateWindow,
  isFormEncoded,
  matchPath,
  parseBasicAuth,
  parseBearer,
  parseForm,
  parseIntParam,
  pkceS256,
  randomToken,
  redirect,
  scopeList,
  sendJson,
  startServer,
  withQuery,
} from './common.js';
import type { FakeServer, LoggedRequest, RequestContext } from './common.js';

export type { FakeServer, LoggedRequest } from './common.js';

export interface KustomerAppInput {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** An app that is registered but not installed in the org answers "Invalid Client". Default true. */
  installed?: boolean;
}

export interface KustomerApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Mutable: flip it to simulate the admin (un)installing the app. */
  installed: boolean;
}

export interface FailResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface KustomerAuthorization {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | undefined;
  codeChallenge: string | undefined;
}

export interface KustomerTokenSet {
  access_token: string;
  refresh_token?: string;
  scope: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface JsonApiResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: { type: string; id: string } }>;
  links?: Record<string, string>;
}

export interface FakeKustomerOptions {
  /** `expires_in` reported for access tokens (seconds). Default 86400. */
  expiresIn?: number;
  /** How many customers to seed. Default 30, so the default page size already pages. */
  customers?: number;
  /** pageSize used when a list request sends none. Default 25 (max accepted is 100). */
  defaultPageSize?: number;
  /** Requests per minute before the real window limiter answers 429. Default 1000. */
  rateLimit?: number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | undefined;
  expiresAt: number;
}

interface AccessRecord {
  clientId: string;
  scope: string;
  expiresAt: number;
}

interface RefreshRecord {
  clientId: string;
  scope: string;
}

const CODE_TTL_MS = 10 * 60 * 1000;
const DEFAULT_EXPIRES_IN = 86400;
const MAX_PAGE_SIZE = 100;

function invalidClient(res: ServerResponse): void {
  sendJson(res, 400, { error: 'invalid_client', error_description: 'Invalid Client' });
}

function oauthError(res: ServerResponse, error: string, description: string, status = 400): void {
  sendJson(res, status, { error, error_description: description });
}

function jsonApiError(
  res: ServerResponse,
  status: number,
  title: string,
  detail?: string,
  headers: Record<string, string> = {},
): void {
  const err: Record<string, unknown> = { status, title };
  if (detail !== undefined) err.detail = detail;
  sendJson(res, status, { errors: [err] }, headers);
}

function objectId(prefix: string, n: number): string {
  // Kustomer ids are 24-hex Mongo ObjectIds; deterministic ones keep tests readable.
  return prefix + n.toString(16).padStart(24 - prefix.length, '0');
}

function seedCustomers(count: number): JsonApiResource[] {
  const out: JsonApiResource[] = [];
  for (let i = 1; i <= count; i++) {
    const id = objectId('60a0', i);
    const created = new Date(Date.UTC(2024, 0, i)).toISOString();
    out.push({
      type: 'customer',
      id,
      attributes: {
        name: `Customer ${i}`,
        displayName: `Customer ${i}`,
        emails: [{ type: 'home', email: `customer${i}@example.com` }],
        phones: [],
        createdAt: created,
        updatedAt: created,
        modifiedAt: created,
      },
      relationships: { org: { data: { type: 'org', id: 'org_1' } } },
      links: { self: `/v1/customers/${id}` },
    });
  }
  return out;
}

function seedConversations(customers: JsonApiResource[]): {
  conversations: JsonApiResource[];
  messages: Map<string, JsonApiResource[]>;
} {
  const conversations: JsonApiResource[] = [];
  const messages = new Map<string, JsonApiResource[]>();
  let messageN = 0;
  for (let i = 1; i <= 5; i++) {
    const id = objectId('60b0', i);
    const customer = customers[(i - 1) % Math.max(1, customers.length)];
    const created = new Date(Date.UTC(2024, 1, i)).toISOString();
    const relationships: Record<string, { data: { type: string; id: string } }> = {};
    if (customer) relationships.customer = { data: { type: 'customer', id: customer.id } };
    conversations.push({
      type: 'conversation',
      id,
      attributes: {
        name: `Conversation ${i}`,
        status: i % 2 === 0 ? 'done' : 'open',
        channels: ['email'],
        messageCount: 3,
        createdAt: created,
        updatedAt: created,
      },
      relationships,
      links: { self: `/v1/conversations/${id}` },
    });
    const list: JsonApiResource[] = [];
    for (let m = 1; m <= 3; m++) {
      messageN++;
      const mid = objectId('60c0', messageN);
      list.push({
        type: 'message',
        id: mid,
        attributes: {
          channel: 'email',
          direction: m % 2 === 1 ? 'in' : 'out',
          preview: `Message ${m} of conversation ${i}`,
          createdAt: new Date(Date.UTC(2024, 1, i, m)).toISOString(),
        },
        relationships: { conversation: { data: { type: 'conversation', id } }, ...relationships },
        links: { self: `/v1/messages/${mid}` },
      });
    }
    messages.set(id, list);
  }
  return { conversations, messages };
}

export class FakeKustomer implements FakeServer {
  url = '';
  port = 0;
  requests: LoggedRequest[] = [];

  // --- knobs (restored by reset()) ---
  /** One-shot: the next authorize redirects with error=access_denied. */
  denyNext = false;
  /** Persistent consent answer of the simulated user. */
  consent: 'allow' | 'deny' = 'allow';
  /**
   * Persistent: while set, every POST /oauth/token answers with it (after the
   * counters are bumped). Set back to null to recover.
   */
  failTokenWith: FailResponse | null = null;
  /** `expires_in` of newly issued access tokens (seconds). */
  expiresIn: number;
  /** The next n /v1 calls answer 429 regardless of the window limiter. */
  rateLimitNext = 0;

  // --- counters (zeroed by reset()) ---
  authorizeRequests = 0;
  /** Every POST /oauth/token, whatever the grant or outcome. */
  tokenRequests = 0;
  /** POST /oauth/token with grant_type=refresh_token. */
  refreshRequests = 0;
  /** Refresh attempts that presented a token already rotated away. */
  reusedRefreshTokens = 0;
  /** /v1 calls that reached the API (after rate limiting). */
  apiRequests = 0;

  /** Most recent successful authorize (code issued). */
  lastAuthorization: KustomerAuthorization | null = null;

  readonly customers: JsonApiResource[];
  readonly conversations: JsonApiResource[];
  readonly messages: Map<string, JsonApiResource[]>;

  private readonly apps = new Map<string, KustomerApp>();
  /** Outbound webhooks made through the API, by id. */
  readonly hooks = new Map<
    string,
    {
      id: string;
      name: string;
      url: string;
      events: string[];
      headers: Array<{ name: string; value: string }>;
    }
  >();
  private hookSeq = 0;
  private eventSeq = 0;
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly rotatedRefreshTokens = new Set<string>();
  private readonly clock = new FakeClock();
  private readonly window: RateWindow;
  private readonly defaults: { expiresIn: number };
  private readonly defaultPageSize: number;
  private closeServer: () => Promise<void> = async () => {};

  constructor(opts: FakeKustomerOptions = {}) {
    this.defaults = { expiresIn: opts.expiresIn ?? DEFAULT_EXPIRES_IN };
    this.expiresIn = this.defaults.expiresIn;
    this.defaultPageSize = opts.defaultPageSize ?? 25;
    this.window = new RateWindow(opts.rateLimit ?? 1000, 60_000);
    this.customers = seedCustomers(opts.customers ?? 30);
    const seeded = seedConversations(this.customers);
    this.conversations = seeded.conversations;
    this.messages = seeded.messages;
  }

  /** @internal wiring used by startFakeKustomer */
  attach(url: string, port: number, requests: LoggedRequest[], close: () => Promise<void>): void {
    this.url = url;
    this.port = port;
    this.requests = requests;
    this.closeServer = close;
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  registerApp(input: KustomerAppInput): KustomerApp {
    const app: KustomerApp = {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUris: [...input.redirectUris],
      installed: input.installed ?? true,
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  getApp(clientId: string): KustomerApp | undefined {
    return this.apps.get(clientId);
  }

  /** Invalidates every access and refresh token (e.g. app uninstalled, password reset). */
  revokeAll(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** Makes every issued access token fail with 401 from now on; refresh tokens survive. */
  expireAccessTokens(): void {
    const now = this.clock.now();
    for (const rec of this.accessTokens.values()) rec.expiresAt = Math.min(rec.expiresAt, now);
  }

  /** Moves the fake's clock forward (codes and access tokens expire by it). */
  advanceTime(ms: number): void {
    this.clock.advance(ms);
  }

  /** Issues tokens without the browser dance, for tests that start "already connected". */
  issueTokens(clientId: string, scope: string): KustomerTokenSet {
    return this.issue(clientId, scope);
  }

  isAccessTokenValid(token: string): boolean {
    const rec = this.accessTokens.get(token);
    return rec !== undefined && rec.expiresAt > this.clock.now();
  }

  isRefreshTokenValid(token: string): boolean {
    return this.refreshTokens.has(token);
  }

  /**
   * Restores knobs and counters and clears the request log. Apps, issued
   * tokens, the clock offset and seed data are kept so a test can reset
   * between phases without reconnecting.
   */
  reset(): void {
    this.denyNext = false;
    this.consent = 'allow';
    this.failTokenWith = null;
    this.expiresIn = this.defaults.expiresIn;
    this.rateLimitNext = 0;
    this.authorizeRequests = 0;
    this.tokenRequests = 0;
    this.refreshRequests = 0;
    this.reusedRefreshTokens = 0;
    this.apiRequests = 0;
    this.apiDelay = () => 0;
    this.apiSeq = 0;
    this.lastAuthorization = null;
    this.window.clear();
    this.requests.length = 0;
  }

  /** @internal */
  async handle(ctx: RequestContext): Promise<void> {
    const { method, path, res } = ctx;
    if (path === '/oauth/authorize') {
      if (method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' });
      return this.authorize(ctx);
    }
    if (path === '/oauth/token') {
      if (method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
      return this.token(ctx);
    }
    if (path === '/v1' || path.startsWith('/v1/')) return this.api(ctx);
    sendJson(res, 404, { error: 'not_found', path });
  }

  private authorize(ctx: RequestContext): void {
    const { params, res } = ctx;
    this.authorizeRequests++;
    const clientId = params.get('client_id') ?? '';
    const app = this.apps.get(clientId);
    if (!app?.installed) return invalidClient(res);

    const redirectUri = params.get('redirect_uri') ?? '';
    // Exact string comparison on purpose: a trailing slash or different case must fail.
    if (!app.redirectUris.includes(redirectUri)) {
      return oauthError(res, 'invalid_request', 'Invalid redirect_uri');
    }
    const state = params.get('state') ?? undefined;
    const fail = (error: string, description: string): void =>
      redirect(res, withQuery(redirectUri, { error, error_description: description, state }));

    if (params.get('response_type') !== 'code') {
      return fail('unsupported_response_type', 'response_type must be code');
    }
    const challenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method') ?? undefined;
    if (challenge !== undefined && method !== 'S256') {
      return fail('invalid_request', 'code_challenge_method must be S256');
    }
    if (challenge === undefined && method !== undefined) {
      return fail('invalid_request', 'code_challenge_method without code_challenge');
    }

    if (this.denyNext || this.consent === 'deny') {
      this.denyNext = false;
      return fail('access_denied', 'User denied access');
    }

    const code = randomToken('kc_');
    const scope = scopeList(params.get('scope') ?? '').join(' ');
    this.codes.set(code, {
      clientId,
      redirectUri,
      scope,
      codeChallenge: challenge,
      expiresAt: this.clock.now() + CODE_TTL_MS,
    });
    this.lastAuthorization = { code, clientId, redirectUri, scope, state, codeChallenge: challenge };
    redirect(res, withQuery(redirectUri, { code, state }));
  }

  /** Delays every token request (before it is processed), to hold requests in flight. */
  tokenDelayMs = 0;

  private async token(ctx: RequestContext): Promise<void> {
    if (this.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
    this.tokenNow(ctx);
  }

  private tokenNow(ctx: RequestContext): void {
    const { res, headers } = ctx;
    this.tokenRequests++;
    const form = isFormEncoded(headers) ? parseForm(ctx.body) : null;
    if (form?.grant_type === 'refresh_token') this.refreshRequests++;

    if (this.failTokenWith) {
      const f = this.failTokenWith;
      return sendJson(res, f.status, f.body, f.headers ?? {});
    }
    if (!form)
      return oauthError(res, 'invalid_request', 'content-type must be application/x-www-form-urlencoded');

    // Accept both client_secret_post and client_secret_basic; Basic wins when both are sent.
    const basic = parseBasicAuth(headers);
    const clientId = basic?.user ?? form.client_id ?? '';
    const clientSecret = basic?.pass ?? form.client_secret ?? '';
    const app = this.apps.get(clientId);
    if (!app?.installed || app.clientSecret !== clientSecret) return invalidClient(res);

    const grant = form.grant_type;
    if (grant === 'authorization_code') return this.exchangeCode(res, app, form);
    if (grant === 'refresh_token') return this.refresh(res, app, form);
    oauthError(res, 'unsupported_grant_type', `Unsupported grant_type: ${grant ?? '(missing)'}`);
  }

  private exchangeCode(res: ServerResponse, app: KustomerApp, form: Record<string, string>): void {
    const code = form.code;
    if (!code) return oauthError(res, 'invalid_request', 'Missing code');
    const rec = this.codes.get(code);
    // Single use: the code dies on the first attempt, successful or not.
    this.codes.delete(code);
    if (!rec) return oauthError(res, 'invalid_grant', 'Invalid authorization code');
    if (rec.clientId !== app.clientId) return oauthError(res, 'invalid_grant', 'Invalid authorization code');
    if (rec.expiresAt <= this.clock.now())
      return oauthError(res, 'invalid_grant', 'Authorization code expired');
    if (form.redirect_uri !== rec.redirectUri)
      return oauthError(res, 'invalid_grant', 'Invalid redirect_uri');
    const verifier = form.code_verifier;
    if (rec.codeChallenge !== undefined) {
      if (!verifier || pkceS256(verifier) !== rec.codeChallenge) {
        return oauthError(res, 'invalid_grant', 'Invalid code_verifier');
      }
    } else if (verifier !== undefined) {
      // A verifier for a code issued without a challenge means the challenge was
      // lost somewhere: refuse, as a PKCE-downgrade-aware server does.
      return oauthError(res, 'invalid_grant', 'code_verifier sent but no code_challenge was used');
    }
    sendJson(res, 200, this.issue(app.clientId, rec.scope), { 'cache-control': 'no-store' });
  }

  private refresh(res: ServerResponse, app: KustomerApp, form: Record<string, string>): void {
    const token = form.refresh_token ?? '';
    if (this.rotatedRefreshTokens.has(token)) {
      this.reusedRefreshTokens++;
      return oauthError(res, 'invalid_grant', 'Invalid refresh token');
    }
    const rec = this.refreshTokens.get(token);
    if (!rec || rec.clientId !== app.clientId)
      return oauthError(res, 'invalid_grant', 'Invalid refresh token');
    this.refreshTokens.delete(token);
    this.rotatedRefreshTokens.add(token);
    sendJson(res, 200, this.issue(app.clientId, rec.scope), { 'cache-control': 'no-store' });
  }

  private issue(clientId: string, scope: string): KustomerTokenSet {
    const access = randomToken('kat_');
    this.accessTokens.set(access, { clientId, scope, expiresAt: this.clock.now() + this.expiresIn * 1000 });
    const out: KustomerTokenSet = {
      scope,
      token_type: 'bearer',
      access_token: access,
      expires_in: this.expiresIn,
    };
    if (scopeList(scope).includes('offline_access')) {
      const refresh = randomToken('krt_');
      this.refreshTokens.set(refresh, { clientId, scope });
      out.refresh_token = refresh;
    }
    return out;
  }

  private rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.window.limit),
      'x-ratelimit-remaining': String(this.window.remaining()),
      'x-ratelimit-reset': String(Math.ceil(this.window.resetAt() / 1000)),
    };
  }

  /**
   * `POST /v1/outbound-webhooks` (name, url, events required; at most 12 events; https URLs;
   * the grant needs an outbound-webhook role) and `DELETE /v1/outbound-webhooks/{id}`.
   */
  private outboundWebhooks(ctx: RequestContext, token: string, rate: Record<string, string>) {
    const { res, method, path, body } = ctx;
    const scopes = (this.accessTokens.get(token)?.scope ?? '').split(' ');
    if (!scopes.includes('org.outbound_webhooks'))
      return jsonApiError(res, 403, 'Forbidden', 'Missing role', rate);
    if (method === 'POST' && path === '/v1/outbound-webhooks') {
      let input: { name?: unknown; url?: unknown; events?: unknown; headers?: unknown };
      try {
        input = JSON.parse(body);
      } catch {
        return jsonApiError(res, 400, 'Bad Request', 'Body is not JSON', rate);
      }
      const events = input.events;
      if (
        typeof input.name !== 'string' ||
        typeof input.url !== 'string' ||
        !Array.isArray(events) ||
        events.length === 0 ||
        events.length > 12 ||
        !events.every((e) => typeof e === 'string' && /^kustomer\.[a-z]+\.(create|update)$/.test(e))
      )
        return jsonApiError(res, 400, 'Bad Request', 'name, url and events are required', rate);
      if (!input.url.startsWith('https://') && !input.url.startsWith('http://127.0.0.1'))
        return jsonApiError(res, 400, 'Bad Request', 'url must use https://', rate);
      const id = `hook_${++this.hookSeq}`;
      const headers = Array.isArray(input.headers)
        ? (input.headers as Array<{ name: string; value: string }>)
        : [];
      this.hooks.set(id, { id, name: input.name, url: input.url, events: events as string[], headers });
      return sendJson(
        res,
        201,
        { data: { type: 'outbound_webhook', id, attributes: { name: input.name, url: input.url, events } } },
        rate,
      );
    }
    const one = matchPath('/v1/outbound-webhooks/:id', path);
    if (method === 'DELETE' && one) {
      if (!this.hooks.delete(one.id!)) return jsonApiError(res, 404, 'Not Found', undefined, rate);
      res.writeHead(204, rate).end();
      return;
    }
    return jsonApiError(res, 405, 'Method Not Allowed', undefined, rate);
  }

  /**
   * Delivers an event to every outbound webhook subscribed to it, as Kustomer does: a POST with
   * `X-Kustomer-Webhook-Event`, the webhook's own headers, and the envelope {id, name, org, data}.
   */
  async fireEvent(name: string, resource: JsonApiResource, opts: { id?: string } = {}) {
    const id = opts.id ?? `evt_${++this.eventSeq}`;
    const out: Array<{ hook: string; status: number }> = [];
    for (const hook of this.hooks.values()) {
      if (!hook.events.includes(name)) continue;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-kustomer-webhook-event': name,
      };
      for (const h of hook.headers) headers[h.name.toLowerCase()] = h.value;
      const res = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id, name, org: 'org_1', partition: 'org_1', data: resource, changes: null }),
      });
      await res.text();
      out.push({ hook: hook.id, status: res.status });
    }
    return { id, deliveries: out };
  }

  /**
   * Milliseconds to hold each API answer (the n-th API request since the last reset gets
   * apiDelay(n)); staggers answers so some arrive after a refresh another call caused.
   */
  apiDelay: (n: number) => number = () => 0;
  private apiSeq = 0;

  private async api(ctx: RequestContext): Promise<void> {
    const wait = this.apiDelay(this.apiSeq++);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.apiNow(ctx);
  }

  private apiNow(ctx: RequestContext): void {
    const { res, headers, method, path, params } = ctx;
    if (this.rateLimitNext > 0 || !this.window.take()) {
      if (this.rateLimitNext > 0) this.rateLimitNext--;
      const h = { ...this.rateHeaders(), 'x-ratelimit-remaining': '0', 'retry-after': '1' };
      return jsonApiError(res, 429, 'Too Many Requests', 'Rate limit exceeded', h);
    }
    const rate = this.rateHeaders();
    const token = parseBearer(headers);
    if (!token || !this.isAccessTokenValid(token)) {
      return jsonApiError(res, 401, 'Unauthorized', undefined, rate);
    }
    this.apiRequests++;
    if (path === '/v1/outbound-webhooks' || path.startsWith('/v1/outbound-webhooks/'))
      return this.outboundWebhooks(ctx, token, rate);
    if (method !== 'GET') return jsonApiError(res, 405, 'Method Not Allowed', undefined, rate);

    if (path === '/v1/users/current') {
      return sendJson(
        res,
        200,
        {
          data: { type: 'user', id: 'usr_1', attributes: { name: 'Fake Admin', email: 'admin@example.com' } },
        },
        rate,
      );
    }
    if (path === '/v1/customers') return this.list(res, params, path, this.customers, rate);
    if (path === '/v1/conversations') return this.list(res, params, path, this.conversations, rate);

    const customer = matchPath('/v1/customers/:id', path);
    if (customer) {
      const id = customer.id ?? '';
      const found = this.customers.find((c) => c.id === id);
      if (!found) return jsonApiError(res, 404, 'Not Found', `Customer ${id} not found`, rate);
      return sendJson(res, 200, { data: found }, rate);
    }
    const conversation = matchPath('/v1/conversations/:id', path);
    if (conversation) {
      const id = conversation.id ?? '';
      const found = this.conversations.find((c) => c.id === id);
      if (!found) return jsonApiError(res, 404, 'Not Found', `Conversation ${id} not found`, rate);
      return sendJson(res, 200, { data: found }, rate);
    }
    const messages = matchPath('/v1/conversations/:id/messages', path);
    if (messages) {
      const id = messages.id ?? '';
      const list = this.messages.get(id);
      if (!list) return jsonApiError(res, 404, 'Not Found', `Conversation ${id} not found`, rate);
      return this.list(res, params, path, list, rate);
    }
    jsonApiError(res, 404, 'Not Found', `No route for ${path}`, rate);
  }

  /**
   * Page links are relative (`/v1/customers?page=2&pageSize=10`), as Kustomer
   * sends them, so a connector must resolve them against its API base.
   */
  private list(
    res: ServerResponse,
    params: URLSearchParams,
    path: string,
    items: JsonApiResource[],
    headers: Record<string, string>,
  ): void {
    const page = parseIntParam(params.get('page'), 1);
    const pageSize = parseIntParam(params.get('pageSize'), this.defaultPageSize);
    if (page === null || page < 1)
      return jsonApiError(res, 400, 'Bad Request', 'page must be a positive integer', headers);
    if (pageSize === null || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      return jsonApiError(
        res,
        400,
        'Bad Request',
        `pageSize must be between 1 and ${MAX_PAGE_SIZE}`,
        headers,
      );
    }
    const start = (page - 1) * pageSize;
    const data = items.slice(start, start + pageSize);
    const link = (p: number): string => `${path}?page=${p}&pageSize=${pageSize}`;
    const hasNext = start + pageSize < items.length;
    sendJson(
      res,
      200,
      {
        data,
        links: {
          self: link(page),
          first: link(1),
          prev: page > 1 ? link(page - 1) : null,
          next: hasNext ? link(page + 1) : null,
        },
        meta: { page, pageSize, totalPages: Math.max(1, Math.ceil(items.length / pageSize)) },
      },
      headers,
    );
  }
}

export async function startFakeKustomer(
  opts: FakeKustomerOptions & { port?: number } = {},
): Promise<FakeKustomer> {
  const fake = new FakeKustomer(opts);
  const srv = await startServer((ctx) => fake.handle(ctx), opts.port ?? 0);
  fake.attach(srv.url, srv.port, srv.requests, srv.close);
  return fake;
}
