// Auth and requests as data, end to end: made-up connectors loaded from a directory and run as
// shipped (a scripted provider answers at their own hosts), linking through the Hub and the OAuth
// popup, then proxy calls.
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from './helpers/server.js';
import { createSession, hub } from './helpers/linking.js';
import { oauthPopupUrl, onAccount } from './helpers/link-accounts.js';
import { drivePopupIn, portOf, startMadeUpWorld, type MadeUpWorld } from './helpers/made-up.js';
import { openCredentials } from './helpers/accounts.js';
import { json, startUpstream, type Reply, type ScriptedUpstream } from './helpers/upstream.js';
import { waitFor } from './helpers/wait.js';

const API_KEY = 'crm-key-0123456789abcdef';
const CHAT_CLIENT = { client_id: 'chat-client-1', client_secret: 'chat-secret-0123456789' };
const CHAT_ISSUER = 'https://id.example-chat.test';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const crm = {
  key: 'examplecrm',
  name: 'Example CRM',
  categories: ['crm'],
  auth: { type: 'api_key' },
  environments: [{ key: 'production', label: 'Production', values: { version: '2024-01' } }],
  config_fields: [{ key: 'api_key', label: 'API key', type: 'password', required: true, secret: true }],
  base_url: 'https://api.example-crm.test',
  hosts: ['api.example-crm.test'],
  inject: { basic: { username: '${config.api_key}', password: 'X' } },
  headers: { 'Example-Version': '${env.version}' },
  test_action: {
    method: 'POST',
    path: '/auth.test',
    body: { probe: true },
    expect: { path: '$.ok', equals: true },
  },
  error_message_paths: ['$.error'],
};

const chat = {
  key: 'examplechat',
  name: 'Example Chat',
  categories: ['messaging'],
  auth: {
    type: 'oauth2',
    client_from: 'setup',
    authorization_url: 'https://chat.example-chat.test/oauth/authorize',
    token_url: 'https://api.example-chat.test/oauth/token',
    scopes: { default: 'chat:read', send: false },
    pkce: { supported: false, default: false },
    issuer: CHAT_ISSUER,
    token_request: {
      body_format: 'json',
      params: { audience: '${env.audience}' },
      refresh_params: { rotate: 'yes' },
    },
    token_response: { token_types: ['bot'], keep: { team_id: '$.team.id' } },
  },
  environments: [{ key: 'production', label: 'Production', values: { audience: 'chat-api' } }],
  setup_fields: [
    { key: 'client_id', label: 'Client ID', type: 'text', required: true },
    { key: 'client_secret', label: 'Client secret', type: 'password', required: true, secret: true },
  ],
  base_url: 'https://api.example-chat.test',
  hosts: ['api.example-chat.test', 'chat.example-chat.test'],
  inject: {
    headers: { Authorization: 'Bearer ${credentials.access_token}', 'X-Team': '${credentials.team_id}' },
  },
  test_action: { path: '/auth.test', expect: { path: '$.ok', equals: true } },
};

// Two variants whose extra URLs are on another host the connector owns: the test action on an
// identity host, the refresh on an auth host. As shipped, those hosts are reached for real.
const crmIdentity = {
  ...crm,
  key: 'examplecrmid',
  name: 'Example CRM Identity',
  hosts: ['api.example-crm.test', 'id.example-crm.test'],
  test_action: { method: 'GET', path: '/whoami', base_url: 'https://id.example-crm.test' },
};
const chatRefresh = {
  ...chat,
  key: 'examplechatr',
  name: 'Example Chat Refresh',
  auth: { ...chat.auth, refresh_url: 'https://auth.example-chat.test/oauth/refresh' },
  hosts: [...chat.hosts, 'auth.example-chat.test'],
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** An id_token from an issuer that is not the token URL's host. */
function idToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = { iss: CHAT_ISSUER, sub: 'U9', aud: CHAT_CLIENT.client_id, iat: now, exp: now + 600 };
  const input = `${part({ alg: 'RS256' })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** The made-up chat provider: authorize redirects back with a code, the token answers a bot token. */
const chatProvider: Reply = (req, res) => {
  const url = new URL(req.url, 'http://provider.test');
  if (url.pathname === '/oauth/authorize') {
    const back = new URL(url.searchParams.get('redirect_uri')!);
    back.searchParams.set('code', 'code-1');
    back.searchParams.set('state', url.searchParams.get('state')!);
    res.writeHead(302, { location: back.toString() });
    return res.end();
  }
  if (url.pathname === '/oauth/token' || url.pathname === '/oauth/refresh') {
    const refresh = JSON.parse(req.body).grant_type === 'refresh_token';
    return json(200, {
      access_token: refresh ? 'xoxb-chat-token-2' : 'xoxb-chat-token-1',
      token_type: 'bot',
      refresh_token: 'rt-chat-1',
      team: { id: refresh ? 'T124' : 'T123', name: 'Acme' },
      ...(refresh ? {} : { id_token: idToken() }),
    })(req, res);
  }
  return json(200, { ok: true })(req, res);
};

let world: MadeUpWorld;
let server: TestServer;
let up: ScriptedUpstream;
let crmProfile: string;
let chatProfile: string;
let crmIdentityProfile: string;
let chatRefreshProfile: string;

/** Each made-up host serves only what its connector sends there. */
const routes = (port: number) => [
  { hosts: ['api.example-crm.test'], port, paths: ['/auth.test', '/contacts', '/logged'] },
  { hosts: ['chat.example-chat.test'], port, paths: ['/oauth/authorize'] },
  { hosts: ['api.example-chat.test'], port, paths: ['/oauth/token', '/auth.test', '/channels', '/again'] },
  { hosts: ['id.example-crm.test'], port, paths: ['/whoami'] },
  { hosts: ['auth.example-chat.test'], port, paths: ['/oauth/refresh'] },
];

beforeAll(async () => {
  up = await startUpstream(chatProvider);
  world = await startMadeUpWorld({
    connectors: { examplecrm: crm, examplechat: chat, examplecrmid: crmIdentity, examplechatr: chatRefresh },
    routes: routes(portOf(up)),
    workers: false,
  });
  server = world.server;
  const a = await api(server)('POST', '/connector_profiles', { provider: 'examplecrm' });
  const b = await api(server)('POST', '/connector_profiles', { provider: 'examplechat', setup: CHAT_CLIENT });
  const c = await api(server)('POST', '/connector_profiles', { provider: 'examplecrmid' });
  const d = await api(server)('POST', '/connector_profiles', {
    provider: 'examplechatr',
    setup: CHAT_CLIENT,
  });
  if ([a, b, c, d].some((r) => r.status !== 201))
    throw new Error(`profiles: ${[a, b, c, d].map((r) => r.text).join(' ')}`);
  crmProfile = a.json.id;
  chatProfile = b.json.id;
  crmIdentityProfile = c.json.id;
  chatRefreshProfile = d.json.id;
});
afterAll(async () => {
  await world?.close();
  await up?.close();
});

/** Follows the OAuth popup in the world's browser until the Hub callback page; returns its URL. */
async function followToCallback(url: string): Promise<URL> {
  const { final, status } = await drivePopupIn(world.browser, url);
  if (!final.pathname.endsWith('/embedded/accounts/callback'))
    throw new Error(`popup stopped at ${final} with ${status}`);
  return final;
}

async function linkCrm(owner: string, integrationId = crmProfile) {
  const s = await createSession(server, { origin_owner_id: owner });
  return hub(server, s.token)('POST', '/hub/accounts', {
    integration_id: integrationId,
    credentials: { api_key: API_KEY },
  });
}

const since = (n: number) => up.requests.slice(n);

describe('HTTP Basic from fields, fixed headers and a checked test action (API key)', () => {
  it('links after posting the test body with Basic credentials and the fixed header', async () => {
    const before = up.requests.length;
    const res = await linkCrm('crm-1');
    expect(res.status).toBe(201);
    const [check] = since(before);
    expect(check).toMatchObject({ method: 'POST', url: '/auth.test', body: '{"probe":true}' });
    expect(check!.headers).toMatchObject({
      host: 'api.example-crm.test',
      authorization: basic(API_KEY, 'X'),
      'example-version': '2024-01',
      'content-type': 'application/json',
    });
  });

  it('refuses the link when a 200 answer fails the expectation, in the provider’s words', async () => {
    up.script.push(json(200, { ok: false, error: 'invalid_auth' }));
    const res = await linkCrm('crm-2');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Example CRM rejected the credentials: invalid_auth');
  });

  it('proxies with the Basic credentials and fixed header; a caller cannot replace the credentials', async () => {
    const account = (await linkCrm('crm-3')).json.id as string;
    const before = up.requests.length;
    const res = await onAccount(server, account)('POST', '/unified/proxy', {
      method: 'get',
      path: '/contacts',
      headers: { Authorization: 'Basic ZXZpbDpldmls', 'X-Trace': 't-1' },
    });
    expect(res.status).toBe(200);
    const [seen] = since(before);
    expect(seen!.headers.authorization).toBe(basic(API_KEY, 'X'));
    expect(seen!.headers['example-version']).toBe('2024-01');
    expect(seen!.headers['x-trace']).toBe('t-1');
  });

  it('keeps the Basic credentials out of the request log', async () => {
    const account = (await linkCrm('crm-4')).json.id as string;
    await onAccount(server, account)('POST', '/unified/proxy', { method: 'get', path: '/logged' });
    let text = '';
    await waitFor(async () => {
      const logs = (await api(server)('GET', '/requests/logs?page_size=100')).json.data as Array<{
        id: string;
      }>;
      const full = await Promise.all(
        logs.map(async (l) => (await api(server)('GET', `/requests/logs/${l.id}?include=step_logs`)).text),
      );
      text = full.find((t) => t.includes('/logged')) ?? '';
      return text !== '';
    });
    expect(text).toContain('example-version');
    expect(text).not.toContain(Buffer.from(`${API_KEY}:X`).toString('base64'));
    expect(text).not.toContain(API_KEY);
  });
});

describe('token request and response rules (OAuth)', () => {
  let account: string;
  let before: number;
  beforeAll(async () => {
    before = up.requests.length;
    const s = await createSession(server, { origin_owner_id: 'chat-1' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const callback = await followToCallback(oauthPopupUrl(server, chatProfile, s.token, attempt.json.id));
    expect(callback.searchParams.get('status')).toBe('success');
    account = callback.searchParams.get('account_id')!;
  });

  it('sends no scope on the authorize URL when scopes.send is false', () => {
    const authorize = since(before).find((r) => r.url.startsWith('/oauth/authorize'))!;
    const q = new URL(authorize.url, up.url).searchParams;
    expect(q.get('client_id')).toBe(CHAT_CLIENT.client_id);
    expect(q.has('scope')).toBe(false);
    expect(authorize.headers.host).toBe('chat.example-chat.test');
  });

  it('exchanges the code as JSON with the extra parameter', () => {
    const token = since(before).find((r) => r.url === '/oauth/token')!;
    expect(token.headers['content-type']).toBe('application/json');
    expect(token.headers.host).toBe('api.example-chat.test');
    expect(JSON.parse(token.body)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'code-1',
      audience: 'chat-api',
      client_id: CHAT_CLIENT.client_id,
    });
    expect(JSON.parse(token.body)).not.toHaveProperty('rotate');
  });

  it('accepts the bot token and the id_token of the declared issuer, and keeps team_id', async () => {
    const row = await server.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [account]);
    expect(openCredentials(server, row.rows[0].credentials)).toMatchObject({
      access_token: 'xoxb-chat-token-1',
      token_type: 'bot',
      team_id: 'T123',
    });
  });

  it('injects the kept value as ${credentials.team_id} on provider calls', async () => {
    const n = up.requests.length;
    const res = await onAccount(server, account)('POST', '/unified/proxy', {
      method: 'get',
      path: '/channels',
    });
    expect(res.status).toBe(200);
    const [seen] = since(n);
    expect(seen!.headers).toMatchObject({ authorization: 'Bearer xoxb-chat-token-1', 'x-team': 'T123' });
  });

  it('refreshes after a 401 with a JSON body, the refresh parameters, and keeps the new team_id', async () => {
    up.script.push(json(401, { ok: false, error: 'token_expired' }));
    const n = up.requests.length;
    const res = await onAccount(server, account)('POST', '/unified/proxy', { method: 'get', path: '/again' });
    expect(res.status).toBe(200);
    const seen = since(n);
    expect(seen.map((r) => r.url)).toEqual(['/again', '/oauth/token', '/again']);
    expect(seen[1]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[1]!.body)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-chat-1',
      audience: 'chat-api',
      rotate: 'yes',
    });
    expect(seen[2]!.headers).toMatchObject({ authorization: 'Bearer xoxb-chat-token-2', 'x-team': 'T124' });
  });
});

describe('URLs on another host the connector owns, reached as shipped', () => {
  it('runs the test action at test_action.base_url on the identity host; the API calls stay on the API host', async () => {
    const before = up.requests.length;
    const linked = await linkCrm('crm-id-1', crmIdentityProfile);
    expect(linked.status, JSON.stringify(linked.json)).toBe(201);
    const [check] = since(before);
    expect([check!.method, check!.url, check!.headers.host]).toEqual([
      'GET',
      '/whoami',
      'id.example-crm.test',
    ]);
    expect(check!.headers.authorization).toBe(basic(API_KEY, 'X'));
    const n = up.requests.length;
    const res = await onAccount(server, linked.json.id)('POST', '/unified/proxy', {
      method: 'get',
      path: '/contacts',
    });
    expect(res.status).toBe(200);
    expect(since(n).map((r) => [r.url, r.headers.host])).toEqual([['/contacts', 'api.example-crm.test']]);
  });

  it('refreshes at auth.refresh_url on the auth host; the code exchange stays at the token URL', async () => {
    const s = await createSession(server, { origin_owner_id: 'chat-refresh-1' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const linkedFrom = up.requests.length;
    const callback = await followToCallback(
      oauthPopupUrl(server, chatRefreshProfile, s.token, attempt.json.id),
    );
    expect(callback.searchParams.get('status')).toBe('success');
    const exchange = since(linkedFrom).find((r) => r.method === 'POST' && r.url.startsWith('/oauth/'))!;
    expect([exchange.url, exchange.headers.host]).toEqual(['/oauth/token', 'api.example-chat.test']);

    up.script.push(json(401, { ok: false, error: 'token_expired' }));
    const n = up.requests.length;
    const account = callback.searchParams.get('account_id')!;
    const res = await onAccount(server, account)('POST', '/unified/proxy', { method: 'get', path: '/again' });
    expect(res.status).toBe(200);
    const seen = since(n);
    expect(seen.map((r) => [r.url, r.headers.host])).toEqual([
      ['/again', 'api.example-chat.test'],
      ['/oauth/refresh', 'auth.example-chat.test'],
      ['/again', 'api.example-chat.test'],
    ]);
    expect(JSON.parse(seen[1]!.body)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-chat-1',
    });
    expect(seen[2]!.headers.authorization).toBe('Bearer xoxb-chat-token-2');
  });
});

describe('the shipped hosts', () => {
  it('reached no host or path outside the connectors’ own', () => {
    expect(world.internet.refused).toEqual([]);
  });
});
