import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { oauthPopupUrl } from './helpers/link-accounts.js';
import { createSession, hub } from './helpers/linking.js';
import { openCredentials } from './helpers/accounts.js';
import { drivePopupIn, portOf, startMadeUpWorld, type MadeUpWorld } from './helpers/made-up.js';
import { api, type TestServer } from './helpers/server.js';
import { json, startUpstream, type ScriptedUpstream, type UpstreamRequest } from './helpers/upstream.js';
import { accountTarget } from '../src/core/credentials/open.js';
import { refreshAccount } from '../src/core/credentials/refresh.js';

// Three made-up providers: an HR API whose integrations mint tokens with client credentials, a
// ledger whose sign-in names the realm in the callback and whose tenants are found afterwards,
// and a shop that signs its redirect to the callback. They run as shipped: one fake answers at
// their own hosts, each host serving only the paths its connector uses.
const CLIENT = { client_id: 'hr-client-1', client_secret: 'hr-secret-abcdef123456' };
const SHOP_SECRET = 'shop-secret-0987654321';
const LEDGER_SETUP = { client_id: 'ledger-client', client_secret: 'ledger-secret-123456' };

const base = {
  $schema: './schema.json',
  categories: ['hris'],
  environments: [{ key: 'production', label: 'Production' }],
  inject: { headers: { authorization: 'Bearer ${credentials.access_token}' } },
  test_action: { method: 'GET', path: '/me' },
};
const setupClient = [
  { key: 'client_id', label: 'Client ID', type: 'text', required: true },
  { key: 'client_secret', label: 'Client secret', type: 'password', required: true, secret: true },
];

const connectors = {
  examplehr: {
    ...base,
    key: 'examplehr',
    name: 'Example HR',
    hosts: ['api.example-hr.test'],
    base_url: 'https://api.example-hr.test',
    auth: {
      type: 'oauth2',
      grant: 'client_credentials',
      client_from: 'config',
      token_url: 'https://api.example-hr.test/oauth/token',
      scopes: { default: 'employees:read' },
      grant_params: { audience: 'hr-api' },
    },
    config_fields: setupClient,
  },
  exampleledger: {
    ...base,
    key: 'exampleledger',
    name: 'Example Ledger',
    hosts: ['api.example-ledger.test'],
    base_url: 'https://api.example-ledger.test/v1',
    inject: {
      headers: {
        authorization: 'Bearer ${credentials.access_token}',
        'x-realm': '${credentials.realmId}',
        'x-tenant': '${credentials.tenant_id}',
      },
    },
    auth: {
      type: 'oauth2',
      client_from: 'setup',
      authorization_url: 'https://api.example-ledger.test/authorize',
      token_url: 'https://api.example-ledger.test/oauth/token',
      scopes: { default: 'ledger' },
      pkce: { supported: false, default: false },
      callback_params: ['realmId'],
      post_auth: [
        {
          request: { url: '/tenants/${credentials.realmId}' },
          select: '$[?@.active == true]',
          pick: { tenant_id: '$.id' },
        },
      ],
    },
    setup_fields: setupClient,
  },
  // The same ledger, its tenants found on an identity host it also owns.
  exampleledgerid: {
    ...base,
    key: 'exampleledgerid',
    name: 'Example Ledger Identity',
    hosts: ['api.example-ledger.test', 'id.example-ledger.test'],
    base_url: 'https://api.example-ledger.test/v1',
    inject: {
      headers: {
        authorization: 'Bearer ${credentials.access_token}',
        'x-realm': '${credentials.realmId}',
        'x-tenant': '${credentials.tenant_id}',
      },
    },
    auth: {
      type: 'oauth2',
      client_from: 'setup',
      authorization_url: 'https://api.example-ledger.test/authorize',
      token_url: 'https://api.example-ledger.test/oauth/token',
      scopes: { default: 'ledger' },
      pkce: { supported: false, default: false },
      callback_params: ['realmId'],
      post_auth: [
        {
          request: { url: 'https://id.example-ledger.test/tenants/${credentials.realmId}' },
          select: '$[?@.active == true]',
          pick: { tenant_id: '$.id' },
        },
      ],
    },
    setup_fields: setupClient,
  },
  exampleshop: {
    ...base,
    key: 'exampleshop',
    name: 'Example Shop',
    hosts: ['api.example-shop.test'],
    base_url: 'https://api.example-shop.test',
    auth: {
      type: 'oauth2',
      client_from: 'setup',
      authorization_url: 'https://api.example-shop.test/authorize',
      token_url: 'https://api.example-shop.test/oauth/token',
      pkce: { supported: false, default: false },
      callback_params: ['shop'],
      callback_hmac: { param: 'hmac', secret_field: 'client_secret' },
    },
    setup_fields: setupClient,
  },
};

let world: MadeUpWorld;
let up: ScriptedUpstream;
let server: TestServer;
/** The hosts the connectors own, each routed to the fake with the paths its connector uses. */
const routes = (port: number) => [
  { hosts: ['api.example-hr.test'], port, paths: ['/oauth/token', '/me'] },
  { hosts: ['api.example-ledger.test'], port, paths: ['/authorize', '/oauth/token', '/tenants', '/v1'] },
  { hosts: ['id.example-ledger.test'], port, paths: ['/tenants'] },
  { hosts: ['api.example-shop.test'], port, paths: ['/authorize', '/oauth/token', '/me'] },
];

let now = Date.parse('2026-05-01T09:00:00Z');
const ids: Record<string, string> = {};

/** What the fake provider does next; each test sets what it needs. */
const provider = {
  mint: 'ok' as 'ok' | 'refuse',
  minted: 0,
  tenants: { status: 200, body: [] as unknown },
  /** The extra query of the redirect to the callback, and how it is signed. */
  extra: {} as Record<string, string>,
  sign: 'none' as 'none' | 'good' | 'bad',
};

const form = (r: UpstreamRequest) => new URLSearchParams(r.body);
const hits = (p: string) => up.requests.filter((r) => r.url.split('?')[0] === p);

/** The redirect back to our callback, with the signature the test asks for. */
function authorize(req: UpstreamRequest, res: import('node:http').ServerResponse) {
  const q = new URL(req.url, up.url).searchParams;
  const back = new URL(q.get('redirect_uri')!);
  back.searchParams.set('code', 'code-1');
  back.searchParams.set('state', q.get('state')!);
  for (const [k, v] of Object.entries(provider.extra)) back.searchParams.set(k, v);
  if (provider.sign !== 'none') {
    const message = [...back.searchParams.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const secret = provider.sign === 'good' ? SHOP_SECRET : 'not-the-secret';
    back.searchParams.set('hmac', createHmac('sha256', secret).update(message).digest('hex'));
  }
  res.writeHead(302, { location: back.toString() }).end();
}

function token(req: UpstreamRequest, res: import('node:http').ServerResponse) {
  const f = form(req);
  if (f.get('grant_type') === 'authorization_code')
    return json(200, { access_token: 'at-code-1', token_type: 'Bearer', expires_in: 3600 })(req, res);
  if (provider.mint === 'refuse')
    return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' })(
      req,
      res,
    );
  provider.minted += 1;
  json(200, { access_token: `at-cc-${provider.minted}`, token_type: 'Bearer', expires_in: 3600 })(req, res);
}

beforeAll(async () => {
  up = await startUpstream((req, res) => {
    const p = req.url.split('?')[0]!;
    if (p === '/authorize') return authorize(req, res);
    if (p === '/oauth/token') return token(req, res);
    if (p.startsWith('/tenants/')) return json(provider.tenants.status, provider.tenants.body)(req, res);
    const ok = /^Bearer at-/.test(String(req.headers.authorization));
    return json(ok ? 200 : 401, ok ? { ok: true } : { message: 'bad token' })(req, res);
  });
  world = await startMadeUpWorld({
    connectors,
    routes: routes(portOf(up)),
    workers: false,
    clock: () => new Date(now),
  });
  server = world.server;
  for (const key of Object.keys(connectors)) {
    const cc = key === 'examplehr';
    const res = await api(server)('POST', '/connector_profiles', {
      provider: key,
      ...(cc
        ? {}
        : { setup: key === 'exampleshop' ? { ...LEDGER_SETUP, client_secret: SHOP_SECRET } : LEDGER_SETUP }),
    });
    if (res.status !== 201) throw new Error(`profile ${key}: ${res.status} ${res.text}`);
    ids[key] = res.json.id;
  }
});
afterAll(async () => {
  await world?.close();
  await up?.close();
});
beforeEach(() => {
  up.requests.length = 0;
  Object.assign(provider, { mint: 'ok', tenants: { status: 200, body: [] }, extra: {}, sign: 'none' });
});

const row = async (id: string) =>
  (await server.app.deps.db.query('SELECT * FROM accounts WHERE id = $1', [id])).rows[0];
const accountCount = async (key: string) =>
  Number(
    (await server.app.deps.db.query('SELECT count(*) FROM accounts WHERE provider = $1', [key])).rows[0]
      .count,
  );
const scope = () => ({
  projectId: server.app.boot.project.projectId,
  organizationId: server.app.boot.project.organizationId,
});

/** Links through the Hub's credential form, as StackOne's Hub does for a client-credentials connector. */
async function linkForm(owner: string, credentials: Record<string, string>) {
  const s = await createSession(server, { origin_owner_id: owner });
  return hub(server, s.token)('POST', '/hub/accounts', { integration_id: ids.examplehr, credentials });
}

/** Drives the OAuth popup for a profile; returns the Hub callback page's parameters. */
async function linkPopup(key: string, owner: string) {
  const s = await createSession(server, { origin_owner_id: owner });
  const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  const popup = await drivePopupIn(world.browser, oauthPopupUrl(server, ids[key]!, s.token, attempt.json.id));
  if (!popup.final.pathname.endsWith('/embedded/accounts/callback'))
    throw new Error(`popup stopped at ${popup.final} (${popup.status}): ${popup.body.slice(0, 300)}`);
  return Object.fromEntries(popup.final.searchParams);
}

describe('client credentials grant', () => {
  it('shows the Hub a credential form: oauth2 with grantType client_credentials, no callback URL', async () => {
    const s = await createSession(server);
    const { config } = (await hub(server, s.token)('GET', `/hub/connectors/${ids.examplehr}`)).json;
    expect(config.type).toBe('oauth2');
    expect(config.grantType).toBe('client_credentials');
    expect(config.setupGuide.callbackUrl).toBeNull();
    expect(config.configFields.map((f: { key: string }) => f.key)).toEqual(['client_id', 'client_secret']);
  });

  it('links by minting a token, runs the test action with it, and re-mints it when it expires', async () => {
    const res = await linkForm('cc-owner', CLIENT);
    expect(res.status).toBe(201);
    const [mint] = hits('/oauth/token');
    expect(form(mint!).get('grant_type')).toBe('client_credentials');
    expect(form(mint!).get('scope')).toBe('employees:read');
    expect(form(mint!).get('audience')).toBe('hr-api');
    expect(form(mint!).get('client_id')).toBe(CLIENT.client_id);
    expect(hits('/me')[0]!.headers.authorization).toBe(`Bearer at-cc-${provider.minted}`);
    const account = await row(res.json.id);
    const first = openCredentials(server, account.credentials);
    expect(first.access_token).toBe(`at-cc-${provider.minted}`);
    expect(first.refresh_token).toBeUndefined();
    expect(account.token_expires_at.getTime()).toBe(now + 3600_000);
    expect(account.next_refresh_at).not.toBeNull();

    now += 2 * 3600_000;
    const target = await accountTarget(server.app.deps, scope(), res.json.id);
    const again = openCredentials(server, (await row(res.json.id)).credentials);
    expect(again.access_token).not.toBe(first.access_token);
    expect(target.credentials.access_token).toBe(again.access_token);
    expect(hits('/oauth/token').map((r) => form(r).get('grant_type'))).toEqual([
      'client_credentials',
      'client_credentials',
    ]);
    expect((await row(res.json.id)).status).toBe('active');

    // The refresh worker's "if due" mode mints again too.
    now += 2 * 3600_000;
    await expect(refreshAccount(server.app.deps, res.json.id, null)).resolves.toBe('refreshed');
    expect(hits('/oauth/token')).toHaveLength(3);
    expect(openCredentials(server, (await row(res.json.id)).credentials).access_token).toBe(
      `at-cc-${provider.minted}`,
    );
  });

  it('marks the account in error when the provider refuses a re-mint', async () => {
    const res = await linkForm('cc-refused', CLIENT);
    expect(res.status).toBe(201);
    provider.mint = 'refuse';
    now += 2 * 3600_000;
    await expect(accountTarget(server.app.deps, scope(), res.json.id)).rejects.toThrow(/reconnect/);
    const account = await row(res.json.id);
    expect(account.status).toBe('error');
    expect(account.status_reasons[0].code).toBe('invalid_client');
  });

  it('refuses the link with the provider’s words when the mint is refused, and stores nothing', async () => {
    provider.mint = 'refuse';
    const before = await accountCount('examplehr');
    const res = await linkForm('cc-bad', { ...CLIENT, client_secret: 'wrong-secret-000000' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Client authentication failed');
    expect(JSON.stringify(res.json)).not.toContain('wrong-secret-000000');
    expect(hits('/me')).toHaveLength(0);
    expect(await accountCount('examplehr')).toBe(before);
  });
});

describe('post-auth discovery and callback parameters', () => {
  it('keeps the callback’s realmId and the one active tenant, and the test action sees both', async () => {
    provider.extra = { realmId: 'realm-7' };
    provider.tenants.body = [
      { id: 'tenant-old', active: false },
      { id: 'tenant-1', active: true },
    ];
    const back = await linkPopup('exampleledger', 'ledger-one');
    expect(back.status).toBe('success');
    expect(hits('/tenants/realm-7')[0]!.headers.authorization).toBe('Bearer at-code-1');
    // The tenant header waits for the tenant; the realm, known from the callback, goes along.
    expect(hits('/tenants/realm-7')[0]!.headers['x-tenant']).toBeUndefined();
    expect(hits('/tenants/realm-7')[0]!.headers['x-realm']).toBe('realm-7');
    const creds = openCredentials(server, (await row(back.account_id!)).credentials);
    expect(creds.realmId).toBe('realm-7');
    expect(creds.tenant_id).toBe('tenant-1');
    expect(creds.post_auth_choices).toBeUndefined();
    const test = hits('/v1/me')[0] ?? hits('/me')[0];
    expect(test!.headers['x-realm']).toBe('realm-7');
    expect(test!.headers['x-tenant']).toBe('tenant-1');
  });

  it('links the first of several tenants and records that a choice was made', async () => {
    provider.extra = { realmId: 'realm-8' };
    provider.tenants.body = [
      { id: 'tenant-a', active: true },
      { id: 'tenant-b', active: true },
    ];
    const back = await linkPopup('exampleledger', 'ledger-two');
    expect(back.status).toBe('success');
    const creds = openCredentials(server, (await row(back.account_id!)).credentials) as Record<
      string,
      unknown
    >;
    expect(creds.tenant_id).toBe('tenant-a');
    expect(creds.post_auth_choices).toEqual([{ step: 0, candidates: 2 }]);
  });

  it('ends the attempt with a plain message when discovery fails, and stores nothing', async () => {
    provider.extra = { realmId: 'realm-9' };
    provider.tenants = { status: 500, body: { message: 'tenant service down' } };
    const before = await accountCount('exampleledger');
    const back = await linkPopup('exampleledger', 'ledger-three');
    expect(back.status).toBe('error');
    expect(back.error).toBe('discovery_failed');
    expect(back.error_description).toBe(
      'Example Ledger did not tell which account to link: tenant service down',
    );
    expect(hits('/me')).toHaveLength(0);
    expect(hits('/v1/me')).toHaveLength(0);
    expect(await accountCount('exampleledger')).toBe(before);
  });

  it('finds the tenant at a post_auth URL on another owned host, then tests on the API host', async () => {
    provider.extra = { realmId: 'realm-11' };
    provider.tenants.body = [{ id: 'tenant-id-1', active: true }];
    const back = await linkPopup('exampleledgerid', 'ledger-id-one');
    expect(back.status).toBe('success');
    const [discovery] = hits('/tenants/realm-11');
    expect([discovery!.headers.host, discovery!.headers.authorization]).toEqual([
      'id.example-ledger.test',
      'Bearer at-code-1',
    ]);
    const [test] = hits('/v1/me');
    expect([test!.headers.host, test!.headers['x-tenant']]).toEqual([
      'api.example-ledger.test',
      'tenant-id-1',
    ]);
    expect(openCredentials(server, (await row(back.account_id!)).credentials).tenant_id).toBe('tenant-id-1');
  });

  it('ends the attempt when no tenant is active', async () => {
    provider.extra = { realmId: 'realm-10' };
    provider.tenants.body = [{ id: 'tenant-x', active: false }];
    const back = await linkPopup('exampleledger', 'ledger-four');
    expect(back.error).toBe('discovery_failed');
    expect(back.error_description).toBe('Example Ledger has no account this sign-in can use');
  });

  it('refuses a callback without the realmId it must keep', async () => {
    provider.tenants.body = [{ id: 'tenant-1', active: true }];
    const back = await linkPopup('exampleledger', 'ledger-five');
    expect(back.status).toBe('error');
    expect(back.error).toBe('invalid_response');
    expect(back.error_description).toContain('realmId');
    expect(hits('/oauth/token')).toHaveLength(0);
  });
});

describe('callback HMAC', () => {
  it('links when the redirect is signed with the client secret, keeping the shop', async () => {
    provider.extra = { shop: 'acme.example-shop.test', timestamp: '1337178173' };
    provider.sign = 'good';
    const back = await linkPopup('exampleshop', 'shop-good');
    expect(back.status).toBe('success');
    expect(openCredentials(server, (await row(back.account_id!)).credentials).shop).toBe(
      'acme.example-shop.test',
    );
  });

  it('refuses a redirect with a wrong signature before the code is exchanged', async () => {
    provider.extra = { shop: 'acme.example-shop.test', timestamp: '1337178173' };
    provider.sign = 'bad';
    const before = await accountCount('exampleshop');
    const back = await linkPopup('exampleshop', 'shop-bad');
    expect(back.status).toBe('error');
    expect(back.error).toBe('invalid_signature');
    expect(back.error_description).toMatch(/could not be verified/);
    expect(hits('/oauth/token')).toHaveLength(0);
    expect(await accountCount('exampleshop')).toBe(before);
  });

  it('refuses an unsigned redirect', async () => {
    provider.extra = { shop: 'acme.example-shop.test' };
    const back = await linkPopup('exampleshop', 'shop-none');
    expect(back.error).toBe('invalid_signature');
  });
});

describe('the shipped hosts', () => {
  it('reached no host or path outside the connectors’ own', () => {
    expect(world.internet.refused).toEqual([]);
  });
});
