// The generic fake provider refuses what the connector file says the provider refuses. A made-up
// OAuth2 provider on made-up hosts, reached through the internet stand-in at those names.
import { createHash, createHmac } from 'node:crypto';
import { fetch, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorSchema } from '../connectors/schema.js';
import { callbackSignatureValid } from '../core/linking/oauth2/callback-values.js';
import { type FakeProvider, startFakeProvider } from './fake-provider.js';
import { fixtureSchema } from './fixture.js';
import { type Internet, startInternet } from './internet.js';

const connector = connectorSchema.parse({
  key: 'examplecrm',
  name: 'Example CRM',
  categories: ['crm'],
  auth: {
    type: 'oauth2',
    client_from: 'setup',
    authorization_url: 'https://login.example-crm.test/oauth/authorize',
    token_url: 'https://login.example-crm.test/oauth/token',
    scopes: { default: 'read offline', always_include: ['offline'] },
    pkce: { supported: true, default: true },
    token_auth: 'client_secret_basic',
    keep_token_fields: ['tenant'],
  },
  environments: [{ key: 'production', label: 'Production' }],
  setup_fields: [
    { key: 'client_id', label: 'Client ID', type: 'text' },
    { key: 'client_secret', label: 'Client Secret', type: 'password' },
  ],
  base_url: 'https://api.example-crm.test/v2',
  hosts: ['login.example-crm.test', 'api.example-crm.test'],
  inject: { headers: { authorization: 'Bearer ${credentials.access_token}' } },
  test_action: { path: '/me' },
  actions: [
    {
      id: 'examplecrm_list_deals',
      label: 'List deals',
      request: { path: '/deals', query: { status: 'open' } },
      result: { data: 'items', next: '$.paging.next' },
    },
  ],
});

const fixture = fixtureSchema.parse({
  connector: 'examplecrm',
  setup: { client_id: 'crm-client', client_secret: 'crm-secret-123456' },
  token: { expires_in: 600, fields: { tenant: 't-1' } },
  api: { error: { status: 401, body: { message: 'bad token' } } },
  actions: {
    examplecrm_list_deals: { records: [{ id: 1 }, { id: 2 }, { id: 3 }], page_size: 2 },
  },
});

const REDIRECT = 'https://switchboard.example.test/connect/oauth2/examplecrm/callback';
const VERIFIER = 'v'.repeat(50);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const BASIC = `Basic ${Buffer.from('crm-client:crm-secret-123456').toString('base64')}`;

let fake: FakeProvider;
let internet: Internet;
let http: Dispatcher;
beforeAll(async () => {
  fake = await startFakeProvider(connector, fixture);
  internet = await startInternet(fake.routes);
  http = internet.http;
  fake.allowRedirectUri(REDIRECT);
});
afterAll(async () => {
  await internet?.close();
  await fake?.close();
});

function authorizeUrl(params: Record<string, string | null> = {}) {
  const q = new URLSearchParams();
  const all: Record<string, string | null> = {
    client_id: 'crm-client',
    redirect_uri: REDIRECT,
    response_type: 'code',
    state: 'st-1',
    scope: 'read offline',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== null) q.set(k, v);
  return `https://login.example-crm.test/oauth/authorize?${q}`;
}

async function code(): Promise<string> {
  const res = await fetch(authorizeUrl(), { dispatcher: http, redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(REDIRECT);
  expect(back.searchParams.get('state')).toBe('st-1');
  return back.searchParams.get('code')!;
}

async function token(
  form: Record<string, string>,
  headers: Record<string, string> = { authorization: BASIC },
) {
  const res = await fetch('https://login.example-crm.test/oauth/token', {
    method: 'POST',
    dispatcher: http,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, string | number> };
}

const exchange = async (c: string, extra: Record<string, string> = {}) =>
  token({
    grant_type: 'authorization_code',
    code: c,
    redirect_uri: REDIRECT,
    code_verifier: VERIFIER,
    ...extra,
  });

const api = (path: string, accessToken?: string) =>
  fetch(`https://api.example-crm.test${path}`, {
    dispatcher: http,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });

describe('generic fake provider: authorize', () => {
  it.each([
    ['plain PKCE', { code_challenge_method: 'plain' }, 'plain is refused'],
    [
      'no PKCE where the connector sends it',
      { code_challenge: null, code_challenge_method: null },
      'missing required code challenge',
    ],
    ['another redirect URI', { redirect_uri: `${REDIRECT}x` }, 'is not registered'],
    ['no state', { state: null }, 'state is missing'],
    ['a missing required scope', { scope: 'read' }, 'scope lacks offline'],
    ['response_type token', { response_type: 'token' }, 'response_type must be code'],
  ])('refuses %s', async (_what, params, why) => {
    const res = await fetch(authorizeUrl(params), { dispatcher: http, redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toContain(why);
    expect(fake.problems.at(-1)).toContain(why);
  });

  it('sends a refusal back to the callback with authorize.redirect_errors, once client and redirect URI check out', async () => {
    fake.fixture.authorize.redirect_errors = true;
    try {
      const res = await fetch(authorizeUrl({ code_challenge: null, code_challenge_method: null }), {
        dispatcher: http,
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!);
      expect(back.origin + back.pathname).toBe(REDIRECT);
      expect(Object.fromEntries(back.searchParams)).toEqual({
        error: 'invalid_request',
        error_description: 'missing required code challenge',
        state: 'st-1',
      });
      expect(fake.problems.at(-1)).toContain('missing required code challenge');
      // A redirect URI the app does not list is still answered on the provider's page.
      const mismatch = await fetch(authorizeUrl({ redirect_uri: `${REDIRECT}x` }), {
        dispatcher: http,
        redirect: 'manual',
      });
      expect(mismatch.status).toBe(400);
    } finally {
      fake.fixture.authorize.redirect_errors = false;
    }
  });

  it("answers an unknown client with the fixture's documented answer", async () => {
    const res = await fetch(authorizeUrl({ client_id: 'who' }), { dispatcher: http, redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_client' });
  });
});

describe('generic fake provider: token endpoint', () => {
  it('refuses the client authentication the connector does not declare', async () => {
    const res = await exchange(await code(), { client_id: 'crm-client', client_secret: 'crm-secret-123456' });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
  });

  it('issues tokens once per code, bound to the redirect URI and the verifier', async () => {
    const wrongVerifier = await exchange(await code(), { code_verifier: 'w'.repeat(50) });
    expect(wrongVerifier.json.error).toBe('invalid_grant');
    const wrongRedirect = await exchange(await code(), { redirect_uri: `${REDIRECT}x` });
    expect(wrongRedirect.json.error).toBe('invalid_grant');
    const c = await code();
    const first = await exchange(c);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ token_type: 'Bearer', expires_in: 600, tenant: 't-1' });
    const again = await exchange(c);
    expect(again.json.error).toBe('invalid_grant');
  });

  it('rotates refresh tokens; a rotated-out one is refused and revokes the whole family', async () => {
    const first = await exchange(await code());
    const r1 = String(first.json.refresh_token);
    const second = await token({ grant_type: 'refresh_token', refresh_token: r1 });
    expect(second.status).toBe(200);
    const r2 = String(second.json.refresh_token);
    expect(r2).not.toBe(r1);
    expect(fake.isLiveRefreshToken(r2)).toBe(true);
    expect(fake.isLiveRefreshToken(r1)).toBe(false);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: r1 });
    expect(reused).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(fake.reusedRefreshTokens).toBe(1);
    expect(fake.isLiveRefreshToken(r2)).toBe(false);
    expect(fake.isLiveAccessToken(String(second.json.access_token))).toBe(false);
  });
});

describe('generic fake provider: API', () => {
  it("refuses a request without live credentials with the fixture's error body", async () => {
    const res = await api('/v2/me', 'not-a-token');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'bad token' });
  });

  it('answers the test action, and pages an action with its next path', async () => {
    const at = String((await exchange(await code())).json.access_token);
    expect((await api('/v2/me', at)).status).toBe(200);
    const page1 = (await (await api('/v2/deals?status=open', at)).json()) as {
      items: unknown[];
      paging: { next: string };
    };
    expect(page1.items).toEqual([{ id: 1 }, { id: 2 }]);
    expect(page1.paging.next).toBe('/v2/deals?status=open&page=2');
    const page2 = (await (await api(page1.paging.next, at)).json()) as { items: unknown[]; paging?: unknown };
    expect(page2).toEqual({ items: [{ id: 3 }] });
    // The action's declared query is part of its address.
    expect((await api('/v2/deals?status=closed', at)).status).toBe(404);
  });

  it('answers anything else 404 and records it with its host', async () => {
    const at = String((await exchange(await code())).json.access_token);
    const before = fake.unexpected.length;
    expect((await api('/v2/secret-admin', at)).status).toBe(404);
    expect(fake.unexpected.slice(before)).toEqual(['GET https://api.example-crm.test/v2/secret-admin']);
    const last = fake.requests.at(-1)!;
    expect(last).toMatchObject({
      host: 'api.example-crm.test',
      path: '/v2/secret-admin',
      credentialed: true,
    });
  });
});

// A made-up API-key provider with one list action per paging style, HTTP Basic credentials and a
// fixed version header.
const pager = connectorSchema.parse({
  key: 'examplepager',
  name: 'Example Pager',
  categories: ['crm'],
  auth: { type: 'api_key' },
  environments: [{ key: 'production', label: 'Production', values: { api_version: '2024-01' } }],
  config_fields: [{ key: 'api_key', label: 'API key', type: 'password' }],
  base_url: 'https://api.example-pager.test/v1',
  hosts: ['api.example-pager.test'],
  inject: { basic: { username: '${config.api_key}', password: 'X' } },
  headers: { 'Example-Version': '${env.api_version}' },
  test_action: { path: '/me' },
  actions: [
    {
      id: 'pager_link',
      label: 'Link',
      request: { path: '/link' },
      result: { data: 'items', next: { type: 'link_header' } },
    },
    {
      id: 'pager_url',
      label: 'URL',
      request: { path: '/url' },
      result: { data: 'items', next: { type: 'url', path: 'links.next' } },
    },
    {
      id: 'pager_cursor',
      label: 'Cursor',
      request: { path: '/cursor' },
      result: {
        data: 'items',
        next: { type: 'cursor', path: 'meta.next', param: 'cursor', has_more: 'meta.more' },
      },
    },
    {
      id: 'pager_graphql',
      label: 'GraphQL cursor',
      request: { method: 'POST', path: '/graphql', body: { query: 'q', variables: { first: 2 } } },
      result: {
        data: 'data.items.nodes',
        next: {
          type: 'cursor',
          path: 'data.items.pageInfo.endCursor',
          body_key: 'variables.after',
          has_more: 'data.items.pageInfo.hasNextPage',
        },
      },
    },
    {
      id: 'pager_page',
      label: 'Page',
      request: { path: '/page' },
      result: { data: 'items', next: { type: 'page', param: 'p', page_size: 2 } },
    },
    {
      id: 'pager_offset',
      label: 'Offset',
      request: { path: '/offset' },
      result: { data: 'items', next: { type: 'offset', param: 'offset' } },
    },
    {
      id: 'pager_last',
      label: 'Last item',
      request: { path: '/last' },
      result: {
        data: 'items',
        next: { type: 'last_item', item_path: 'id', param: 'starting_after', has_more: 'has_more' },
      },
    },
  ],
});
const RECORDS = [{ id: 'r1' }, { id: 'r2' }, { id: 'r3' }];
const pagerFixture = fixtureSchema.parse({
  connector: 'examplepager',
  config: { api_key: 'pager-key-123456' },
  api: { error: { status: 401, body: { message: 'who are you' } } },
  actions: Object.fromEntries(pager.actions.map((a) => [a.id, { records: RECORDS, page_size: 2 }])),
});
const PAGER_AUTH = {
  authorization: `Basic ${Buffer.from('pager-key-123456:X').toString('base64')}`,
  'example-version': '2024-01',
};

describe('generic fake provider: paging styles, Basic credentials, fixed headers', () => {
  let pf: FakeProvider;
  let pi: Internet;
  beforeAll(async () => {
    pf = await startFakeProvider(pager, pagerFixture);
    pi = await startInternet(pf.routes);
  });
  afterAll(async () => {
    await pi?.close();
    await pf?.close();
  });
  const get = async (path: string, headers: Record<string, string> = PAGER_AUTH, body?: unknown) => {
    const res = await fetch(new URL(path, 'https://api.example-pager.test').toString(), {
      dispatcher: pi.http,
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, link: res.headers.get('link'), json: (await res.json()) as any };
  };

  it('requires the Basic credentials and the fixed header with its rendered value', async () => {
    expect((await get('/v1/me')).status).toBe(200);
    const wrongKey = { ...PAGER_AUTH, authorization: `Basic ${Buffer.from('other:X').toString('base64')}` };
    expect((await get('/v1/me', wrongKey)).status).toBe(401);
    const noVersion = await get('/v1/me', { authorization: PAGER_AUTH.authorization });
    expect(noVersion.status).toBe(400);
    expect(pf.problems.at(-1)).toContain('header Example-Version is missing');
    expect((await get('/v1/me', { ...PAGER_AUTH, 'example-version': '2023-01' })).status).toBe(400);
  });

  it('pages by the Link header', async () => {
    const p1 = await get('/v1/link');
    expect(p1.json.items).toEqual(RECORDS.slice(0, 2));
    expect(p1.link).toBe('</v1/link?page=2>; rel="next"');
    const p2 = await get('/v1/link?page=2');
    expect(p2.json.items).toEqual([RECORDS[2]]);
    expect(p2.link).toBeNull();
  });

  it('pages by a next URL at an object-form path', async () => {
    const p1 = await get('/v1/url');
    expect(p1.json.links.next).toBe('/v1/url?page=2');
    expect((await get(p1.json.links.next)).json).toEqual({ items: [RECORDS[2]] });
  });

  it('pages by a cursor parameter with has_more, and refuses a cursor it did not hand out', async () => {
    const p1 = await get('/v1/cursor');
    expect(p1.json.meta.more).toBe(true);
    const p2 = await get(`/v1/cursor?cursor=${p1.json.meta.next}`);
    expect(p2.json).toEqual({ items: [RECORDS[2]], meta: { more: false } });
    const forged = await get('/v1/cursor?cursor=2');
    expect(forged.status).toBe(400);
    expect(pf.problems.at(-1)).toContain('not a cursor this provider handed out');
  });

  it('pages a POST body cursor at variables.after', async () => {
    const body = { query: 'q', variables: { first: 2 } };
    const p1 = await get('/v1/graphql', PAGER_AUTH, body);
    expect(p1.json.data.items.nodes).toEqual(RECORDS.slice(0, 2));
    expect(p1.json.data.items.pageInfo.hasNextPage).toBe(true);
    const after = p1.json.data.items.pageInfo.endCursor;
    const p2 = await get('/v1/graphql', PAGER_AUTH, { ...body, variables: { first: 2, after } });
    expect(p2.json.data.items).toEqual({ nodes: [RECORDS[2]], pageInfo: { hasNextPage: false } });
    // The cursor in the query instead of the body is not where the connector says it goes.
    const p3 = await get(`/v1/graphql?after=${after}`, PAGER_AUTH, body);
    expect(p3.json.data.items.nodes).toEqual(RECORDS.slice(0, 2));
  });

  it('pages by a page counter and requires it on every request', async () => {
    expect((await get('/v1/page?p=1')).json.items).toEqual(RECORDS.slice(0, 2));
    expect((await get('/v1/page?p=2')).json.items).toEqual([RECORDS[2]]);
    const none = await get('/v1/page');
    expect(none.status).toBe(400);
    expect(pf.problems.at(-1)).toContain('p is missing');
  });

  it('pages by an offset and answers an empty page past the end', async () => {
    expect((await get('/v1/offset?offset=0')).json.items).toEqual(RECORDS.slice(0, 2));
    expect((await get('/v1/offset?offset=2')).json.items).toEqual([RECORDS[2]]);
    expect((await get('/v1/offset?offset=3')).json.items).toEqual([]);
  });

  it("pages after the last item's id", async () => {
    const p1 = await get('/v1/last');
    expect(p1.json).toEqual({ items: RECORDS.slice(0, 2), has_more: true });
    expect((await get('/v1/last?starting_after=r2')).json).toEqual({ items: [RECORDS[2]], has_more: false });
    expect((await get('/v1/last?starting_after=nope')).status).toBe(400);
  });
});

// A made-up OAuth2 provider whose token endpoint reads JSON, wants extra parameters, refreshes at
// its own URL and fixes the scopes in its app settings.
const strict = connectorSchema.parse({
  key: 'exampleauth',
  name: 'Example Auth',
  categories: ['crm'],
  auth: {
    type: 'oauth2',
    client_from: 'setup',
    authorization_url: 'https://login.example-auth.test/oauth/authorize',
    token_url: 'https://login.example-auth.test/oauth/token',
    refresh_url: 'https://login.example-auth.test/oauth/refresh',
    scopes: { default: '', send: false },
    token_auth: 'client_secret_post',
    token_request: {
      body_format: 'json',
      params: { audience: '${env.audience}' },
      code_params: { user_type: 'admin' },
      refresh_params: { keep_session: 'yes' },
    },
    token_response: { token_types: ['bot'], keep: { team_id: '$.team.id' } },
    callback_params: ['realmId'],
    callback_hmac: { param: 'hmac', secret_field: 'client_secret', encoding: 'base64' },
  },
  environments: [{ key: 'production', label: 'Production', values: { audience: 'aud-1' } }],
  setup_fields: [
    { key: 'client_id', label: 'Client ID', type: 'text' },
    { key: 'client_secret', label: 'Client Secret', type: 'password' },
  ],
  base_url: 'https://api.example-auth.test/v1',
  hosts: ['login.example-auth.test', 'api.example-auth.test'],
  inject: { headers: { authorization: 'Bearer ${credentials.access_token}' } },
  test_action: { path: '/me' },
});
const strictFixture = fixtureSchema.parse({
  connector: 'exampleauth',
  setup: { client_id: 'auth-client', client_secret: 'auth-secret-123456' },
  token: { token_type: 'bot', fields: { team: { id: 'T1' } } },
  authorize: { callback_params: { realmId: 'r-1' } },
  api: { error: { status: 401, body: { error: 'invalid_auth' } } },
});

describe('generic fake provider: token requests as data, refresh URL, fixed scopes', () => {
  let sf: FakeProvider;
  let si: Internet;
  const CB = 'https://switchboard.example.test/connect/oauth2/exampleauth/callback';
  beforeAll(async () => {
    sf = await startFakeProvider(strict, strictFixture);
    si = await startInternet(sf.routes);
    sf.allowRedirectUri(CB);
  });
  afterAll(async () => {
    await si?.close();
    await sf?.close();
  });
  const authorize = (extra: Record<string, string> = {}) =>
    fetch(
      `https://login.example-auth.test/oauth/authorize?${new URLSearchParams({ client_id: 'auth-client', redirect_uri: CB, response_type: 'code', state: 's', ...extra })}`,
      { dispatcher: si.http, redirect: 'manual' },
    );
  const post = async (path: string, body: Record<string, string>, json = true) => {
    const res = await fetch(`https://login.example-auth.test${path}`, {
      method: 'POST',
      dispatcher: si.http,
      headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const client = { client_id: 'auth-client', client_secret: 'auth-secret-123456', audience: 'aud-1' };
  const newCode = async () => {
    const res = await authorize();
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  };

  it('accepts an authorize request without scope, and refuses one with it', async () => {
    expect((await authorize()).status).toBe(302);
    expect((await authorize({ scope: 'read' })).status).toBe(400);
    expect(sf.problems.at(-1)).toContain('scope is not accepted');
  });

  it('adds the callback parameters to its redirect and signs it as callback_hmac says', async () => {
    const back = new URL((await authorize()).headers.get('location')!).searchParams;
    expect(back.get('realmId')).toBe('r-1');
    const rule = strict.auth.type === 'oauth2' ? strict.auth.callback_hmac! : null;
    expect(callbackSignatureValid(back, 'auth-secret-123456', rule!)).toBe(true);
    expect(callbackSignatureValid(back, 'another-secret', rule!)).toBe(false);
  });

  it('reads a JSON token request, requires its extra parameters and answers the fixture token_type', async () => {
    const grant = { grant_type: 'authorization_code', redirect_uri: CB, ...client };
    const form = await post('/oauth/token', { ...grant, code: await newCode(), user_type: 'admin' }, false);
    expect(form.status).toBe(400);
    expect(sf.problems.at(-1)).toContain('one JSON object');
    const noUserType = await post('/oauth/token', { ...grant, code: await newCode() });
    expect(noUserType.status).toBe(400);
    expect(sf.problems.at(-1)).toContain('user_type is missing');
    const ok = await post('/oauth/token', { ...grant, code: await newCode(), user_type: 'admin' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'bot', team: { id: 'T1' } });
  });

  it('answers refreshes at the refresh URL only, with the refresh parameters', async () => {
    const grant = { grant_type: 'authorization_code', redirect_uri: CB, ...client, user_type: 'admin' };
    const first = await post('/oauth/token', { ...grant, code: await newCode() });
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: String(first.json.refresh_token),
      ...client,
    };
    expect((await post('/oauth/token', { ...refresh, keep_session: 'yes' })).status).toBe(400);
    expect(sf.problems.at(-1)).toContain('refresh requests go to the refresh URL');
    expect((await post('/oauth/refresh', refresh)).status).toBe(400);
    expect(sf.problems.at(-1)).toContain('keep_session is missing');
    const ok = await post('/oauth/refresh', { ...refresh, keep_session: 'yes' });
    expect(ok.status).toBe(200);
    expect(typeof ok.json.refresh_token).toBe('string');
  });
});

describe('generic fake provider: client credentials grant', () => {
  const machine = connectorSchema.parse({
    key: 'examplemachine',
    name: 'Example Machine',
    categories: ['crm'],
    auth: {
      type: 'oauth2',
      grant: 'client_credentials',
      client_from: 'config',
      token_url: 'https://auth.example-machine.test/token',
      grant_params: { audience: 'machine-api' },
    },
    environments: [{ key: 'production', label: 'Production' }],
    config_fields: [
      { key: 'client_id', label: 'Client ID', type: 'text' },
      { key: 'client_secret', label: 'Client Secret', type: 'password' },
    ],
    base_url: 'https://api.example-machine.test',
    hosts: ['auth.example-machine.test', 'api.example-machine.test'],
    inject: { headers: { authorization: 'Bearer ${credentials.access_token}' } },
    test_action: { path: '/me' },
  });
  const machineFixture = fixtureSchema.parse({
    connector: 'examplemachine',
    config: { client_id: 'm-client', client_secret: 'm-secret-123456' },
    api: { error: { status: 401, body: { error: 'invalid_token' } } },
  });
  let mf: FakeProvider;
  let mi: Internet;
  beforeAll(async () => {
    mf = await startFakeProvider(machine, machineFixture);
    mi = await startInternet(mf.routes);
  });
  afterAll(async () => {
    await mi?.close();
    await mf?.close();
  });
  const mint = async (form: Record<string, string>) => {
    const res = await fetch('https://auth.example-machine.test/token', {
      method: 'POST',
      dispatcher: mi.http,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'm-client',
        client_secret: 'm-secret-123456',
        ...form,
      }).toString(),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('mints a token without a refresh token, with the declared grant parameters only', async () => {
    expect((await mint({ grant_type: 'client_credentials' })).status).toBe(400);
    expect(mf.problems.at(-1)).toContain('audience is missing');
    expect((await mint({ grant_type: 'authorization_code', code: 'x' })).status).toBe(400);
    expect(mf.problems.at(-1)).toContain('this client uses client_credentials');
    const ok = await mint({ grant_type: 'client_credentials', audience: 'machine-api' });
    expect(ok.status).toBe(200);
    expect(ok.json.refresh_token).toBeUndefined();
    expect(mf.isLiveAccessToken(String(ok.json.access_token))).toBe(true);
    expect(mf.mints).toBe(1);
  });
});

// A made-up OAuth2 provider with record reads by id, a write action, a paged query answered with
// query locators, a revocation URL and a signed token answer: the run-time controls a flow test uses.
const recordsConnector = connectorSchema.parse({
  key: 'examplerecords',
  name: 'Example Records',
  categories: ['crm'],
  auth: {
    type: 'oauth2',
    client_from: 'setup',
    authorization_url: 'https://login.example-records.test/authorize',
    token_url: 'https://login.example-records.test/token',
    revoke_url: 'https://login.example-records.test/revoke',
    scopes: { default: 'read' },
    pkce: { supported: true, default: false },
    token_auth: 'client_secret_post',
    keep_token_fields: ['id', 'issued_at'],
  },
  environments: [{ key: 'production', label: 'Production' }],
  setup_fields: [
    { key: 'client_id', label: 'Client ID', type: 'text' },
    { key: 'client_secret', label: 'Client Secret', type: 'password' },
  ],
  base_url: 'https://api.example-records.test',
  hosts: ['login.example-records.test', 'api.example-records.test'],
  inject: { headers: { authorization: 'Bearer ${credentials.access_token}' } },
  test_action: { path: '/me' },
  actions: [
    {
      id: 'rec_get',
      label: 'Get a record',
      inputs: [{ key: 'id', type: 'string', required: true, pattern: '^r[0-9]+$' }],
      request: { path: '/records/${input.id}' },
      result: { data: '' },
    },
    {
      id: 'rec_notes',
      label: "A record's notes",
      inputs: [{ key: 'record_id', type: 'string', required: true }],
      request: { path: '/records/${input.record_id}/notes' },
      result: { data: 'items' },
    },
    {
      id: 'rec_query',
      label: 'Query',
      inputs: [{ key: 'limit', type: 'integer', minimum: 1, maximum: 100, default: 10 }],
      request: { path: '/query', query: { limit: '${input.limit}' } },
      result: { data: 'records', next: 'nextRecordsUrl' },
    },
    {
      id: 'rec_create',
      label: 'Create a record',
      inputs: [
        { key: 'name', type: 'string', required: true, max_length: 20 },
        { key: 'size', type: 'integer', minimum: 1 },
      ],
      request: {
        method: 'POST',
        path: '/records',
        body: { record: { name: '${input.name}', size: '${input.size}' }, kind: 'note' },
      },
      result: { data: 'created' },
    },
  ],
});
const ID_URL = 'https://login.example-records.test/id/1';
const recordsFixture = fixtureSchema.parse({
  connector: 'examplerecords',
  setup: { client_id: 'rec-client', client_secret: 'rec-secret-123456' },
  token: {
    expires_in: 600,
    fields: { id: ID_URL, issued_at: '1700000000000' },
    signature: { of: ['id', 'issued_at'] },
  },
  authorize: { code_ttl: 60, denied_description: 'User denied access' },
  api: {
    error: { status: 401, body: { message: 'bad token' } },
    not_found: { status: 404, body: [{ errorCode: 'NOT_FOUND' }] },
  },
  next_link_locator: '/query',
  actions: {
    rec_get: { input: { id: 'r1' }, key: 'id', records: [{ id: 'r1' }, { id: 'r2' }] },
    rec_notes: { input: { record_id: 'r1' }, records: [{ n: 1 }] },
    rec_query: { records: [{ id: 1 }, { id: 2 }, { id: 3 }], page_size: 2 },
    rec_create: { input: { name: 'Ada', size: 3 }, records: [{ id: 'r9' }] },
  },
});

describe('generic fake provider: run-time controls, record ids, write bodies, locators', () => {
  let rf: FakeProvider;
  let ri: Internet;
  const CB = 'https://switchboard.example.test/connect/oauth2/examplerecords/callback';
  const CLIENT = { client_id: 'rec-client', client_secret: 'rec-secret-123456' };
  beforeAll(async () => {
    rf = await startFakeProvider(recordsConnector, recordsFixture);
    ri = await startInternet(rf.routes);
    rf.allowRedirectUri(CB);
  });
  afterAll(async () => {
    await ri?.close();
    await rf?.close();
  });
  const authorize = (extra: Record<string, string> = {}) =>
    fetch(
      `https://login.example-records.test/authorize?${new URLSearchParams({ client_id: 'rec-client', redirect_uri: CB, response_type: 'code', state: 'st-9', scope: 'read', ...extra })}`,
      { dispatcher: ri.http, redirect: 'manual' },
    );
  const newCode = async (extra: Record<string, string> = {}) =>
    new URL((await authorize(extra)).headers.get('location')!).searchParams.get('code')!;
  const post = async (
    path: string,
    form: Record<string, string>,
    type = 'application/x-www-form-urlencoded',
  ) => {
    const res = await fetch(`https://login.example-records.test${path}`, {
      method: 'POST',
      dispatcher: ri.http,
      headers: { 'content-type': type },
      body: type.includes('json') ? JSON.stringify(form) : new URLSearchParams(form).toString(),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      json: (text ? JSON.parse(text) : {}) as Record<string, any>,
    };
  };
  const exchange = async (c: string, extra: Record<string, string> = {}) =>
    post('/token', { grant_type: 'authorization_code', code: c, redirect_uri: CB, ...CLIENT, ...extra });
  const accessToken = async () => String((await exchange(await newCode())).json.access_token);
  const call = async (path: string, at: string, body?: unknown) => {
    const res = await fetch(`https://api.example-records.test${path}`, {
      dispatcher: ri.http,
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${at}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('expires codes after authorize.code_ttl on its clock; a code is spent even when refused', async () => {
    const fresh = await newCode();
    expect((await exchange(fresh)).status).toBe(200);
    const late = await newCode();
    rf.advanceTime(61_000);
    const problems = rf.problems.length;
    const expired = await exchange(late);
    expect(expired).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(expired.json.error_description).toContain('expired');
    // The provider's documented answer to a slow end user, not a rule the connector broke.
    expect(rf.problems.length).toBe(problems);
    const again = await exchange(late);
    expect(again.json.error_description).toContain('unknown or was used');
  });

  it('redirects access_denied with the state when the end user refuses, then grants again', async () => {
    const before = rf.counts.authorize;
    rf.denyNextAuthorization();
    const denied = await authorize();
    expect(denied.status).toBe(302);
    const back = new URL(denied.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(CB);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'User denied access',
      state: 'st-9',
    });
    const code = await newCode();
    expect(code).toBeTruthy();
    expect(rf.lastAuthorization).toMatchObject({ code, redirectUri: CB, state: 'st-9', scope: 'read' });
    expect(rf.counts.authorize).toBe(before + 2);
  });

  it('refuses a code_verifier for a code issued without a code challenge', async () => {
    const res = await exchange(await newCode(), { code_verifier: 'v'.repeat(50) });
    expect(res).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(rf.problems.at(-1)).toContain('issued without a code challenge');
  });

  it('signs the token answer: the HMAC of the named fields with the client secret', async () => {
    const res = await exchange(await newCode());
    const want = createHmac('sha256', 'rec-secret-123456').update(`${ID_URL}1700000000000`).digest('base64');
    expect(res.json.signature).toBe(want);
  });

  it('fails the next token requests with the given answer, holds them when asked, and counts each', async () => {
    const before = { ...rf.counts };
    rf.failTokenNext(
      { status: 503, body: { error: 'temporarily_unavailable' }, headers: { 'retry-after': '5' } },
      2,
    );
    const code = await newCode();
    const first = await exchange(code);
    expect(first).toMatchObject({ status: 503, json: { error: 'temporarily_unavailable' } });
    expect(first.headers.get('retry-after')).toBe('5');
    const second = await post('/token', { grant_type: 'refresh_token', refresh_token: 'x', ...CLIENT });
    expect(second.status).toBe(503);
    // The fault answered before the code was looked at: it is still good.
    const ok = await exchange(code);
    expect(ok.status).toBe(200);
    expect(rf.counts.token - before.token).toBe(3);
    expect(rf.counts.refresh - before.refresh).toBe(1);
    rf.delayToken(200);
    const started = Date.now();
    await post('/token', {
      grant_type: 'refresh_token',
      refresh_token: String(ok.json.refresh_token),
      ...CLIENT,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    rf.delayToken(0);
  });

  it('ends access tokens on expireAccessTokens and every grant on revokeAll', async () => {
    const grant = await exchange(await newCode());
    const at = String(grant.json.access_token);
    expect((await call('/me', at)).status).toBe(200);
    rf.expireAccessTokens();
    expect((await call('/me', at)).status).toBe(401);
    const refreshed = await post('/token', {
      grant_type: 'refresh_token',
      refresh_token: String(grant.json.refresh_token),
      ...CLIENT,
    });
    expect(refreshed.status).toBe(200);
    rf.revokeAll();
    expect(rf.isLiveRefreshToken(String(refreshed.json.refresh_token))).toBe(false);
    expect(rf.isLiveAccessToken(String(refreshed.json.access_token))).toBe(false);
  });

  it('revokes a token from a form body only, and counts revocations', async () => {
    const grant = await exchange(await newCode());
    const rt = String(grant.json.refresh_token);
    const before = rf.counts.revoke;
    const asJson = await post('/revoke', { token: rt }, 'application/json');
    expect(asJson.status).toBe(400);
    expect(rf.problems.at(-1)).toContain('form-encoded');
    expect(rf.isLiveRefreshToken(rt)).toBe(true);
    expect((await post('/revoke', { token: rt })).status).toBe(200);
    expect(rf.isLiveRefreshToken(rt)).toBe(false);
    expect(rf.counts.revoke).toBe(before + 2);
  });

  it('serves the record a path names by its key, and api.not_found for an id nobody holds', async () => {
    const at = await accessToken();
    expect(await call('/records/r2', at)).toEqual({ status: 200, json: { id: 'r2' } });
    const unexpected = rf.unexpected.length;
    expect(await call('/records/r7', at)).toEqual({ status: 404, json: [{ errorCode: 'NOT_FOUND' }] });
    expect(rf.missing.at(-1)).toBe('GET https://api.example-records.test/records/r7');
    expect(rf.unexpected.length).toBe(unexpected);
    // Without a key only the fixture input's own id is known.
    expect((await call('/records/r1/notes', at)).json).toEqual({ items: { n: 1 } });
    expect((await call('/records/r2/notes', at)).status).toBe(404);
    const bad = await call('/records/x-1', at);
    expect(bad.status).toBe(400);
    expect(rf.problems.at(-1)).toContain('path input id does not match ^r[0-9]+$');
  });

  it('checks a write body against the action inputs and its body template', async () => {
    const at = await accessToken();
    const good = { record: { name: 'Ada', size: 3 }, kind: 'note' };
    expect(await call('/records', at, good)).toEqual({ status: 200, json: { created: { id: 'r9' } } });
    // An optional input left out is left out of the body.
    expect((await call('/records', at, { record: { name: 'Ada' }, kind: 'note' })).status).toBe(200);
    const cases: Array<[unknown, string]> = [
      [{ record: { size: 3 }, kind: 'note' }, 'body.record.name is missing'],
      [{ record: { name: 'Ada', size: '3' }, kind: 'note' }, 'body.record.size is not a number'],
      [{ record: { name: 'Ada', size: 0 }, kind: 'note' }, 'body.record.size is below the minimum 1'],
      [{ record: { name: 'A'.repeat(21) }, kind: 'note' }, 'body.record.name is longer than 20'],
      [
        { record: { name: 'Ada', owner: 'me' }, kind: 'note' },
        "body.record.owner is not in the action's body",
      ],
    ];
    for (const [body, why] of cases) {
      expect((await call('/records', at, body)).status).toBe(400);
      expect(rf.problems.at(-1)).toContain(why);
    }
  });

  it('refuses a query value its input declaration refuses', async () => {
    const at = await accessToken();
    expect((await call('/query?limit=500', at)).status).toBe(400);
    expect(rf.problems.at(-1)).toContain('rec_query: query limit is above the maximum 100');
    expect((await call('/query?limit=ten', at)).status).toBe(400);
    expect(rf.problems.at(-1)).toContain('query limit is not a number');
  });

  it('hands out query locators as next links and refuses a locator it did not hand out', async () => {
    const at = await accessToken();
    const p1 = await call('/query?limit=10', at);
    expect(p1.json.records).toEqual([{ id: 1 }, { id: 2 }]);
    expect(p1.json.nextRecordsUrl).toMatch(/^\/query\/01g\d{15}-2$/);
    const p2 = await call(p1.json.nextRecordsUrl, at);
    expect(p2.json).toEqual({ records: [{ id: 3 }] });
    const forged = await call(p1.json.nextRecordsUrl.replace(/-2$/, '-4'), at);
    expect(forged.status).toBe(400);
    expect(rf.problems.at(-1)).toContain('not a query locator this provider handed out');
  });

  it("answers a request a variant names by its query with the variant's records or answer", async () => {
    const at = await accessToken();
    const variants = rf.fixture.actions.rec_query!.variants;
    variants.push(
      { query: { limit: '3' }, records: [{ id: 7 }, { id: 8 }, { id: 9 }] },
      { query: { limit: '4' }, answer: { status: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] } },
    );
    try {
      const p1 = await call('/query?limit=3', at);
      expect(p1.json.records).toEqual([{ id: 7 }, { id: 8 }]);
      // The variant pages as the action does: its next link names the variant's next records.
      expect(await call(p1.json.nextRecordsUrl, at)).toEqual({ status: 200, json: { records: [{ id: 9 }] } });
      expect(await call('/query?limit=4', at)).toEqual({
        status: 400,
        json: [{ errorCode: 'MALFORMED_QUERY' }],
      });
      // Without a variant's values the action's own address and records stay as they were.
      expect((await call('/query?limit=10', at)).json.records).toEqual([{ id: 1 }, { id: 2 }]);
      expect((await call('/query?limit=5', at)).status).toBe(404);
    } finally {
      variants.length = 0;
    }
    expect(() =>
      fixtureSchema.parse({
        ...recordsFixture,
        actions: { rec_query: { records: [1], variants: [{ query: {} }] } },
      }),
    ).toThrow(/at least one query value/);
  });

  it('fails and holds API calls as asked; reset drops every hook and empties the logs', async () => {
    const at = await accessToken();
    rf.failApiNext({ status: 500, body: { error: 'boom' } });
    expect(await call('/me', at)).toEqual({ status: 500, json: { error: 'boom' } });
    expect((await call('/me', at)).status).toBe(200);
    rf.delayApi((n) => (n === 0 ? 250 : 0));
    rf.failApiNext({ status: 502 }, Number.POSITIVE_INFINITY);
    rf.denyNextAuthorization(5);
    rf.reset();
    expect(rf.problems).toEqual([]);
    expect(rf.counts).toEqual({ authorize: 0, token: 0, refresh: 0, revoke: 0, api: 0 });
    const started = Date.now();
    expect((await call('/me', at)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(250);
    expect((await authorize()).headers.get('location')).toContain('code=');
    // The n-th call counts from the reset: the call above was call 0.
    rf.delayApi((n) => (n === 2 ? 250 : 0));
    const slow = Date.now();
    await call('/me', at);
    expect(Date.now() - slow).toBeLessThan(250);
    await call('/me', at);
    expect(Date.now() - slow).toBeGreaterThanOrEqual(240);
    expect(rf.counts.api).toBe(3);
    expect(rf.requests.length).toBe(4);
  });
});

describe('generic fake provider: a refusal per credential', () => {
  const twoKeys = connectorSchema.parse({
    key: 'exampletwo',
    name: 'Example Two',
    categories: ['crm'],
    auth: { type: 'api_key' },
    environments: [{ key: 'production', label: 'Production' }],
    config_fields: [
      { key: 'api_token', label: 'API token', type: 'password' },
      { key: 'user_email', label: 'User email', type: 'text' },
    ],
    base_url: 'https://api.example-two.test/v1',
    hosts: ['api.example-two.test'],
    inject: { headers: { 'x-api-token': '${config.api_token}', 'x-user-email': '${config.user_email}' } },
    test_action: { path: '/ping' },
  });
  const twoFixture = (refusals: Record<string, unknown>) =>
    fixtureSchema.parse({
      connector: 'exampletwo',
      config: { api_token: 'two-token-123456', user_email: 'legal@example.com' },
      api: { error: { status: 401, body: { error_code: 'invalid_api_token' } }, refusals },
    });
  let tf: FakeProvider;
  let ti: Internet;
  beforeAll(async () => {
    tf = await startFakeProvider(
      twoKeys,
      twoFixture({ 'X-User-Email': { status: 403, body: { error_code: 'invalid_user' } } }),
    );
    ti = await startInternet(tf.routes);
  });
  afterAll(async () => {
    await ti?.close();
    await tf?.close();
  });
  const ping = async (token: string, email: string) => {
    const res = await fetch('https://api.example-two.test/v1/ping', {
      dispatcher: ti.http,
      headers: { 'x-api-token': token, 'x-user-email': email },
    });
    return { status: res.status, json: await res.json() };
  };

  it("answers the credential's own refusal when it is the only one wrong, else api.error", async () => {
    expect((await ping('two-token-123456', 'legal@example.com')).status).toBe(200);
    expect(await ping('two-token-123456', 'who@example.com')).toEqual({
      status: 403,
      json: { error_code: 'invalid_user' },
    });
    expect((await ping('other-token', 'legal@example.com')).status).toBe(401);
    expect(await ping('other-token', 'who@example.com')).toEqual({
      status: 401,
      json: { error_code: 'invalid_api_token' },
    });
  });

  it('refuses a fixture whose refusal names no credential the connector sends', async () => {
    await expect(
      startFakeProvider(twoKeys, twoFixture({ 'x-other': { status: 403, body: {} } })),
    ).rejects.toThrow('api.refusals.x-other');
  });
});

// A made-up OAuth2 provider with programmatic events whose subscriptions need a scope, a refresh
// token only for an offline grant, a list action with a bounded page size, an identity route and
// its own rate window: the rules the hand-written seed fakes enforced, played from data.
const hooksConnector = connectorSchema.parse({
  key: 'examplehooks',
  name: 'Example Hooks',
  categories: ['crm'],
  auth: {
    type: 'oauth2',
    client_from: 'setup',
    authorization_url: 'https://login.example-hooks.test/authorize',
    token_url: 'https://login.example-hooks.test/token',
    scopes: { default: 'read' },
    pkce: { supported: true, default: false },
    token_auth: 'client_secret_post',
  },
  environments: [{ key: 'production', label: 'Production' }],
  setup_fields: [
    { key: 'client_id', label: 'Client ID', type: 'text' },
    { key: 'client_secret', label: 'Client Secret', type: 'password' },
  ],
  base_url: 'https://api.example-hooks.test/v1',
  hosts: ['login.example-hooks.test', 'api.example-hooks.test'],
  inject: { headers: { authorization: 'Bearer ${credentials.access_token}' } },
  test_action: { path: '/me' },
  events: {
    mode: 'programmatic',
    secret: 'generated',
    verify: [{ type: 'equals', value: '${header.x-secret}', expected: '${secret}' }],
    event_id: '${body.id}',
    type: '${body.name}',
    subscription: {
      create: {
        method: 'POST',
        path: '/hooks',
        body: {
          name: 'Switchboard',
          url: '${event.inbound_url}',
          events: '${event.provider_events}',
          secret: '${event.secret}',
        },
        id: '$.data.id',
      },
      delete: { method: 'DELETE', path: '/hooks/${event.subscription_id}' },
      requires_scope: ['hooks.write'],
    },
    types: [
      { name: 'examplehooks.deal.created', label: 'Deal created', provider_event: 'deal.create' },
      { name: 'examplehooks.deal.updated', label: 'Deal updated', provider_event: 'deal.update' },
      { name: 'examplehooks.deal.deleted', label: 'Deal deleted', provider_event: 'deal.delete' },
    ],
  },
  actions: [
    {
      id: 'hooks_list_deals',
      label: 'List deals',
      inputs: [{ key: 'page_size', type: 'integer', minimum: 1, maximum: 100 }],
      request: { path: '/deals', query: { size: '${input.page_size}' } },
      result: { data: 'items', next: 'next' },
    },
  ],
});
const hooksFixture = fixtureSchema.parse({
  connector: 'examplehooks',
  setup: { client_id: 'hk-client', client_secret: 'hk-secret-123456' },
  token: { refresh_scopes: ['offline'] },
  api: { error: { status: 401, body: { message: 'bad token' } } },
  subscription: {
    max_events: 2,
    https_only: true,
    refused: { status: 400, body: { errors: [{ title: 'Bad Request' }] } },
    forbidden: { status: 403, body: { errors: [{ title: 'Forbidden' }] } },
  },
  routes: [{ host: 'login.example-hooks.test', path: '/id/1', body: { user_id: '1' } }],
  actions: { hooks_list_deals: { records: [{ id: 1 }, { id: 2 }, { id: 3 }] } },
});

describe('generic fake provider: refresh scopes, page bounds, methods, rate windows, subscription rules', () => {
  let hf: FakeProvider;
  let hi: Internet;
  const CB = 'https://switchboard.example.test/connect/oauth2/examplehooks/callback';
  const CLIENT = { client_id: 'hk-client', client_secret: 'hk-secret-123456' };
  beforeAll(async () => {
    hf = await startFakeProvider(hooksConnector, hooksFixture);
    hi = await startInternet(hf.routes);
    hf.allowRedirectUri(CB);
  });
  afterAll(async () => {
    await hi?.close();
    await hf?.close();
  });
  const request = async (
    url: string,
    opts: { method?: string; token?: string; json?: unknown; form?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const res = await fetch(url, {
      dispatcher: hi.http,
      method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : {}) as any };
  };
  const grant = async (scope: string) => {
    const q = new URLSearchParams({
      client_id: 'hk-client',
      redirect_uri: CB,
      response_type: 'code',
      state: 's',
      scope,
    });
    const res = await fetch(`https://login.example-hooks.test/authorize?${q}`, {
      dispatcher: hi.http,
      redirect: 'manual',
    });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const token = await request('https://login.example-hooks.test/token', {
      form: { grant_type: 'authorization_code', code, redirect_uri: CB, ...CLIENT },
    });
    expect(token.status).toBe(200);
    return token.json as Record<string, string>;
  };
  const api = (path: string, token: string, opts: { method?: string; json?: unknown } = {}) =>
    request(`https://api.example-hooks.test${path}`, { token, ...opts });

  it('hands out a refresh token only for a grant with one of token.refresh_scopes', async () => {
    const online = await grant('read');
    expect(online.refresh_token).toBeUndefined();
    expect(online.scope).toBe('read');
    const offline = await grant('read offline');
    expect(typeof offline.refresh_token).toBe('string');
    expect(offline.scope).toBe('read offline');
    // Without the browser the grant is the connector's required scopes: here without offline.
    expect(hf.issueTokens().refresh_token).toBeUndefined();
  });

  it('refuses a token request that is not form-encoded, and a wrong client secret', async () => {
    const asJson = await request('https://login.example-hooks.test/token', {
      json: { grant_type: 'refresh_token', refresh_token: 'x', ...CLIENT },
    });
    expect(asJson).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(hf.problems.at(-1)).toContain('must be form-encoded');
    const wrong = await request('https://login.example-hooks.test/token', {
      form: { grant_type: 'refresh_token', refresh_token: 'x', ...CLIENT, client_secret: 'not-it' },
    });
    expect(wrong).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    expect(hf.problems.at(-1)).toContain('client_id or client_secret is wrong');
  });

  it('answers 405 at a served address with another method, and records it', async () => {
    const at = (await grant('read')).access_token!;
    const before = hf.unexpected.length;
    expect((await api('/v1/deals', at, { method: 'DELETE' })).status).toBe(405);
    expect((await request('https://login.example-hooks.test/token')).status).toBe(405);
    expect((await request('https://login.example-hooks.test/authorize', { method: 'PUT' })).status).toBe(405);
    expect(hf.unexpected.slice(before)).toEqual([
      'DELETE https://api.example-hooks.test/v1/deals',
      'GET https://login.example-hooks.test/token',
      'PUT https://login.example-hooks.test/authorize',
    ]);
  });

  it("refuses a page size outside its input's bounds and a page number that is no page", async () => {
    const at = (await grant('read')).access_token!;
    expect((await api('/v1/deals?size=100', at)).json.items).toEqual([{ id: 1 }, { id: 2 }]);
    expect((await api('/v1/deals?size=101', at)).status).toBe(400);
    expect(hf.problems.at(-1)).toContain('hooks_list_deals: query size is above the maximum 100');
    expect((await api('/v1/deals?size=0', at)).status).toBe(400);
    expect(hf.problems.at(-1)).toContain('query size is below the minimum 1');
    expect((await api('/v1/deals?page=0', at)).status).toBe(400);
    expect(hf.problems.at(-1)).toContain('page=0 is no page');
  });

  it('requires the credentials on a route that says auth', async () => {
    const at = (await grant('read')).access_token!;
    expect(await request('https://login.example-hooks.test/id/1', { token: at })).toMatchObject({
      status: 200,
      json: { user_id: '1' },
    });
    expect((await request('https://login.example-hooks.test/id/1')).status).toBe(401);
  });

  it('rate-limits on demand, and by itself past api.rate_window until the window ends', async () => {
    const at = (await grant('read')).access_token!;
    hf.reset();
    hf.rateLimitNext(7);
    const limited = await api('/v1/deals', at);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await api('/v1/deals', at)).status).toBe(200);
    hf.fixture.api.rate_window = { requests: 3, seconds: 60 };
    try {
      for (let i = 0; i < 3; i++) expect((await api('/v1/me', at)).status).toBe(200);
      const over = await api('/v1/deals', at);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(hf.rateLimited).toBe(2);
      hf.advanceTime(60_000);
      expect((await api('/v1/me', at)).status).toBe(200);
      // reset starts a new window.
      expect((await api('/v1/me', at)).status).toBe(200);
      expect((await api('/v1/me', at)).status).toBe(200);
      hf.reset();
      expect((await api('/v1/me', at)).status).toBe(200);
    } finally {
      hf.fixture.api.rate_window = undefined;
    }
  });

  it('checks a subscription create against the fixture subscription rules', async () => {
    const at = (await grant('read hooks.write')).access_token!;
    const good = {
      name: 'Switchboard',
      url: 'https://switchboard.example.test/events/inbound/examplehooks/t1',
      events: ['deal.create', 'deal.update'],
      secret: 's'.repeat(32),
    };
    const cases: Array<[unknown, string]> = [
      [{ ...good, name: undefined }, 'name is required'],
      [{ ...good, events: [] }, 'no events are named'],
      [
        { ...good, events: ['deal.create', 'deal.merge'] },
        'event "deal.merge" is not one examplehooks declares',
      ],
      [{ ...good, events: ['deal.create', 'deal.update', 'deal.delete'] }, '3 events: at most 2'],
      [{ ...good, url: 'http://switchboard.example.test/in' }, 'is not https://'],
    ];
    for (const [body, why] of cases) {
      expect(await api('/v1/hooks', at, { json: body })).toEqual({
        status: 400,
        headers: expect.anything(),
        json: { errors: [{ title: 'Bad Request' }] },
      });
      expect(hf.problems.at(-1)).toContain(why);
    }
    expect(hf.subscriptions.size).toBe(0);
    const made = await api('/v1/hooks', at, { json: good });
    expect(made.status).toBe(201);
    // A loopback http:// URL is the server under test.
    const local = await api('/v1/hooks', at, { json: { ...good, url: 'http://127.0.0.1:8080/in' } });
    expect(local.status).toBe(201);
    expect((await api(`/v1/hooks/${made.json.data.id}`, at, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses subscription requests of a grant with none of requires_scope', async () => {
    const at = (await grant('read')).access_token!;
    const body = {
      name: 'Switchboard',
      url: 'https://switchboard.example.test/in',
      events: ['deal.create'],
      secret: 's'.repeat(32),
    };
    const refused = await api('/v1/hooks', at, { json: body });
    expect(refused).toMatchObject({ status: 403, json: { errors: [{ title: 'Forbidden' }] } });
    expect(hf.problems.at(-1)).toContain('insufficient_scope: the grant has none of hooks.write');
    const id = hf.subscribe('https://switchboard.example.test/in', 's'.repeat(32));
    expect((await api(`/v1/hooks/${id}`, at, { method: 'DELETE' })).status).toBe(403);
    expect(hf.subscriptions.has(id)).toBe(true);
  });
});

describe('generic fake provider: api.headers and api.rate_limited', () => {
  const limited = connectorSchema.parse({
    key: 'examplelimits',
    name: 'Example Limits',
    categories: ['crm'],
    auth: { type: 'api_key' },
    environments: [{ key: 'production', label: 'Production' }],
    config_fields: [{ key: 'api_token', label: 'API token', type: 'password' }],
    base_url: 'https://api.example-limits.test/v1',
    hosts: ['api.example-limits.test'],
    inject: { headers: { 'x-api-token': '${config.api_token}' } },
    test_action: { path: '/ping' },
    rate_limit: { statuses: [429], retry_after: { header: 'x-retry-in', format: 'seconds' } },
    actions: [
      {
        id: 'examplelimits_list_items',
        label: 'List items',
        request: { path: '/items' },
        result: { data: 'items' },
      },
    ],
  });
  const limitedFixture = fixtureSchema.parse({
    connector: 'examplelimits',
    config: { api_token: 'limits-token-123456' },
    api: {
      error: { status: 401, body: { detail: 'bad token' } },
      headers: { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '999' },
      rate_limited: { body: { detail: 'Request was throttled.' }, headers: { 'x-ratelimit-remaining': '0' } },
    },
    actions: { examplelimits_list_items: { records: [{ id: 1 }, { id: 2 }] } },
  });
  let lf: FakeProvider;
  let li: Internet;
  beforeAll(async () => {
    lf = await startFakeProvider(limited, limitedFixture);
    li = await startInternet(lf.routes);
  });
  afterAll(async () => {
    await li?.close();
    await lf?.close();
  });
  const get = async (path: string, token = 'limits-token-123456') => {
    const res = await fetch(`https://api.example-limits.test/v1${path}`, {
      dispatcher: li.http,
      headers: { 'x-api-token': token },
    });
    return { status: res.status, headers: res.headers, json: await res.json() };
  };

  it('sends api.headers on every API answer: actions, the test action, refusals', async () => {
    for (const [path, token, status] of [
      ['/items', undefined, 200],
      ['/ping', undefined, 200],
      ['/items', 'wrong-token', 401],
    ] as const) {
      const res = await get(path, token);
      expect([
        res.status,
        res.headers.get('x-ratelimit-limit'),
        res.headers.get('x-ratelimit-remaining'),
      ]).toEqual([status, '1000', '999']);
    }
  });

  it("answers a rate limit with api.rate_limited's body and headers, the connector's retry header winning", async () => {
    lf.rateLimitNext(7);
    const res = await get('/items');
    expect(res.status).toBe(429);
    expect(res.json).toEqual({ detail: 'Request was throttled.' });
    expect([
      res.headers.get('x-retry-in'),
      res.headers.get('x-ratelimit-remaining'),
      res.headers.get('x-ratelimit-limit'),
    ]).toEqual(['7', '0', '1000']);
    expect(lf.rateLimited).toBe(1);
    expect((await get('/items')).json).toEqual({ items: [{ id: 1 }, { id: 2 }] });
  });

  it('answers a rate limit with a default body when the fixture gives none', () => {
    const plain = fixtureSchema.parse({ connector: 'x', api: { error: { body: {} } } });
    expect(plain.api.rate_limited).toEqual({ body: { error: 'rate_limited' }, headers: {} });
    expect(plain.api.headers).toEqual({});
  });
});

describe('generic fake provider: optional query inputs, rate limits on the test action', () => {
  const paged = connectorSchema.parse({
    key: 'examplelimit',
    name: 'Example Limit',
    categories: ['crm'],
    auth: { type: 'api_key' },
    environments: [{ key: 'production', label: 'Production' }],
    config_fields: [{ key: 'api_token', label: 'API token', type: 'password' }],
    base_url: 'https://api.example-limit.test/v1',
    hosts: ['api.example-limit.test'],
    inject: { headers: { 'x-api-token': '${config.api_token}' } },
    test_action: { path: '/ping' },
    actions: [
      {
        id: 'limit_list_items',
        label: 'List items',
        inputs: [{ key: 'limit', type: 'integer', minimum: 1, maximum: 100 }],
        request: { path: '/items', query: { limit: '${input.limit}' } },
        result: { data: 'data' },
      },
    ],
  });
  const limitFixture = fixtureSchema.parse({
    connector: 'examplelimit',
    config: { api_token: 'limit-token-123456' },
    api: { error: { status: 401, body: { error: 'bad token' } } },
    actions: { limit_list_items: { input: { limit: 2 }, records: [{ id: 1 }, { id: 2 }] } },
  });
  let lf: FakeProvider;
  let li: Internet;
  beforeAll(async () => {
    lf = await startFakeProvider(paged, limitFixture);
    li = await startInternet(lf.routes);
  });
  afterAll(async () => {
    await li?.close();
    await lf?.close();
  });
  const get = async (path: string) => {
    const res = await fetch(`https://api.example-limit.test/v1${path}`, {
      dispatcher: li.http,
      headers: { 'x-api-token': 'limit-token-123456' },
    });
    return { status: res.status, headers: res.headers, json: await res.json() };
  };

  it('serves an action whose optional query input the call leaves out', async () => {
    expect(await get('/items?limit=2')).toMatchObject({
      status: 200,
      json: { data: [{ id: 1 }, { id: 2 }] },
    });
    expect(await get('/items')).toMatchObject({ status: 200, json: { data: [{ id: 1 }, { id: 2 }] } });
    expect((await get('/items?limit=500')).status).toBe(400);
    expect(lf.unexpected).toEqual([]);
  });

  it('answers the test action with a queued rate limit, once', async () => {
    lf.rateLimitNext(30);
    const limited = await get('/ping');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect((await get('/ping')).status).toBe(200);
    expect(lf.rateLimited).toBe(1);
  });
});
