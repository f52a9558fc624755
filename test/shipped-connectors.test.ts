// The three seed connectors linked and used exactly as they ship: connector profiles without a
// single URL override, the private-network switch off, and the fake providers answering at the
// providers' real host names over TLS (see helpers/internet.ts). Salesforce shipped unable to
// link because every flow test reached its fake through overrides; these tests would have failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from './helpers/server.js';
import {
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
  SALESFORCE_CLIENT,
} from './helpers/linking.js';
import { onAccount } from './helpers/link-accounts.js';
import {
  ORG,
  SALESFORCE_INSTANCE,
  startShippedServer,
  startShippedWorld,
  type ShippedWorld,
} from './helpers/shipped.js';
import { waitFor } from './helpers/wait.js';
import {
  type FakeProvider,
  SALESFORCE_MOVED,
  SALESFORCE_SANDBOX,
  startSalesforceSandbox,
} from './helpers/seed-fakes.js';

let server: TestServer;
let world: ShippedWorld;
/** The org's Salesforce sandbox: another generic fake, at test.salesforce.com and the sandbox's My Domain. */
let sandbox: FakeProvider;
const profiles: Record<'kustomer' | 'salesforce' | 'sandbox' | 'oneflow', string> = {
  kustomer: '',
  salesforce: '',
  sandbox: '',
  oneflow: '',
};

beforeAll(async () => {
  sandbox = await startSalesforceSandbox();
  world = await startShippedWorld({ more: [sandbox] });
  server = await startShippedServer(world);
  sandbox.allowRedirectUri(`${server.app.deps.settings.publicUrl()}/connect/oauth2/salesforce/callback`);
  const call = api(server);
  const setup = { client_id: SALESFORCE_CLIENT.clientId, client_secret: SALESFORCE_CLIENT.clientSecret };
  for (const [name, body] of [
    ['kustomer', { provider: 'kustomer' }],
    ['salesforce', { provider: 'salesforce', setup }],
    ['sandbox', { provider: 'salesforce', environment: 'sandbox', label: 'Salesforce Sandbox', setup }],
    ['oneflow', { provider: 'oneflow' }],
  ] as const) {
    const res = await call('POST', '/connector_profiles', body);
    expect(res.status, res.text).toBe(201);
    expect(Object.values(res.json.overrides ?? {}).filter((v) => v !== null)).toEqual([]);
    profiles[name] = res.json.id;
  }
});
afterAll(async () => {
  await server?.close();
  await world?.close();
});

/** Starts an attempt and returns the popup URL the Hub opens, with the end user's fields. */
async function popupUrl(integrationId: string, fields: Record<string, string> = {}, owner = 'shipped-owner') {
  const s = await createSession(server, { origin_owner_id: owner });
  const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  const q = new URLSearchParams({
    redirect_uri: 'https://app.example.com/embedded/accounts/callback',
    token: s.token,
    connection_attempt_id: attempt.json.id,
    ...fields,
  });
  return {
    url: `${server.url}/connect/oauth2/${integrationId}?${q}`,
    session: s,
    attemptId: attempt.json.id as string,
  };
}

/** Follows the popup like a browser: our server's 302 to the provider's real host, its 302 back, our callback. */
async function popup(url: string) {
  const hops: URL[] = [];
  let current = url;
  for (let i = 0; i < 8; i++) {
    const res = await world.browserFetch(current, { redirect: 'manual' });
    const loc = res.headers.get('location');
    hops.push(new URL(current));
    if (res.status < 300 || res.status >= 400 || !loc)
      throw new Error(`popup stopped at ${current}: ${res.status} ${await res.text()}`);
    const next = new URL(loc, current);
    if (next.pathname.endsWith('/embedded/accounts/callback')) return { callback: next, hops };
    current = next.toString();
  }
  throw new Error('too many redirects');
}

describe('seed connectors as shipped', () => {
  it('Salesforce production: the authorize URL is login.salesforce.com with client_id, the exact redirect_uri, state, S256 PKCE and the default scopes', async () => {
    const { url } = await popupUrl(profiles.salesforce);
    const first = await world.browserFetch(url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const authorize = new URL(first.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(
      'https://login.salesforce.com/services/oauth2/authorize',
    );
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(SALESFORCE_CLIENT.clientId);
    expect(q.get('redirect_uri')).toBe(
      `${server.app.deps.settings.publicUrl()}/connect/oauth2/salesforce/callback`,
    );
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('scope')).toBe('api refresh_token offline_access');
  });

  it("Salesforce production links end to end: token at login.salesforce.com, API at the org's My Domain", async () => {
    const { url } = await popupUrl(profiles.salesforce, {}, 'sf-prod');
    const { callback, hops } = await popup(url);
    expect(callback.searchParams.get('status'), callback.toString()).toBe('success');
    expect(hops.map((h) => h.host)).toContain('login.salesforce.com');
    const accountId = callback.searchParams.get('account_id')!;
    const tokenCall = world.fakes.salesforce.requests.find((r) => r.path === '/services/oauth2/token');
    expect(tokenCall?.host).toBe('login.salesforce.com');
    // The account's API calls go to the instance_url the token response named.
    const res = await onAccount(server, accountId)('POST', '/actions/rpc', {
      action: 'salesforce_list_accounts',
    });
    expect(res.status, res.text).toBe(200);
    const apiCall = world.fakes.salesforce.requests.findLast((r) => r.path === '/services/data/v60.0/query');
    expect(apiCall?.host).toBe(`${ORG}.my.salesforce.com`);
    const account = await api(server)('GET', `/accounts/${accountId}`);
    expect(account.json.status).toBe('active');
  });

  it('Salesforce sandbox authorizes and exchanges the code at test.salesforce.com', async () => {
    const before = world.fakes.salesforce.requests.length;
    const { url } = await popupUrl(profiles.sandbox, {}, 'sf-sandbox');
    const { callback, hops } = await popup(url);
    expect(callback.searchParams.get('status'), callback.toString()).toBe('success');
    expect(hops.find((h) => h.pathname === '/services/oauth2/authorize')?.host).toBe('test.salesforce.com');
    const token = sandbox.requests.find((r) => r.path === '/services/oauth2/token');
    expect(token?.host).toBe('test.salesforce.com');
    // Production's login host saw nothing of the sandbox link.
    expect(
      world.fakes.salesforce.requests.slice(before).filter((r) => r.path.startsWith('/services/oauth2')),
    ).toEqual([]);
    // The sandbox account's API calls go to the sandbox's My Domain its token named.
    const res = await onAccount(server, callback.searchParams.get('account_id')!)('POST', '/actions/rpc', {
      action: 'salesforce_list_accounts',
    });
    expect(res.status, res.text).toBe(200);
    expect(sandbox.requests.findLast((r) => r.path === '/services/data/v60.0/query')?.host).toBe(
      SALESFORCE_SANDBOX,
    );
  });

  it('Salesforce refreshes at the shipped token URL when the provider expires the token, and revokes there on delete', async () => {
    const { url } = await popupUrl(profiles.salesforce, {}, 'sf-refresh');
    const accountId = (await popup(url)).callback.searchParams.get('account_id')!;
    const sf = world.fakes.salesforce;
    const refreshes = sf.counts.refresh;
    sf.expireAccessTokens();
    const res = await onAccount(server, accountId)('POST', '/actions/rpc', {
      action: 'salesforce_list_accounts',
    });
    expect(res.status, res.text).toBe(200);
    expect(sf.counts.refresh).toBe(refreshes + 1);
    // The org moves to another My Domain: the next refresh's instance_url is followed.
    sf.fixture.token.fields.instance_url = `https://${SALESFORCE_MOVED}`;
    try {
      sf.expireAccessTokens();
      const moved = await onAccount(server, accountId)('POST', '/actions/rpc', {
        action: 'salesforce_list_accounts',
      });
      expect(moved.status, moved.text).toBe(200);
      expect(sf.requests.findLast((r) => r.path === '/services/data/v60.0/query')?.host).toBe(
        `${ORG}2.my.salesforce.com`,
      );
    } finally {
      sf.fixture.token.fields.instance_url = SALESFORCE_INSTANCE;
    }
    const revokes = sf.counts.revoke;
    expect((await api(server)('DELETE', `/accounts/${accountId}`)).status).toBe(200);
    await waitFor(async () => sf.counts.revoke === revokes + 1, 5_000);
    expect(sf.requests.findLast((r) => r.path === '/services/oauth2/revoke')?.host).toBe(
      'login.salesforce.com',
    );
  });

  it("Kustomer links with the end user's own app: authorize and token at api.apps.kustomerapp.com, API at the org's host", async () => {
    const fields = {
      client_id: KUSTOMER_CLIENT.clientId,
      client_secret: KUSTOMER_CLIENT.clientSecret,
      org_name: ORG,
    };
    const { url } = await popupUrl(profiles.kustomer, fields, 'kus-shipped');
    const { callback, hops } = await popup(url);
    expect(callback.searchParams.get('status'), callback.toString()).toBe('success');
    const authorize = hops.find((h) => h.pathname === '/oauth/authorize')!;
    expect(authorize.origin).toBe('https://api.apps.kustomerapp.com');
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${server.app.deps.settings.publicUrl()}/connect/oauth2/kustomer/callback`,
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')?.split(' ')).toContain('offline_access');
    const accountId = callback.searchParams.get('account_id')!;
    const res = await onAccount(server, accountId)('POST', '/actions/rpc', {
      action: 'kustomer_list_customers',
      query: { page_size: 2 },
    });
    expect(res.status, res.text).toBe(200);
    const hosts = new Set(
      world.fakes.kustomer.requests.map((r) => `${r.host} ${r.path.split('/').slice(0, 2).join('/')}`),
    );
    expect([...hosts].sort()).toEqual(['acme.api.kustomerapp.com /v1', 'api.apps.kustomerapp.com /oauth']);
  });

  it('Kustomer "Invalid Client": the authorize preflight at api.apps.kustomerapp.com ends the attempt with the install message', async () => {
    // A client the fake's Kustomer does not know (an app not installed in the org): it answers
    // the fixture's `authorize.unknown_client`, Kustomer's "Invalid Client".
    const { url, session, attemptId } = await popupUrl(
      profiles.kustomer,
      { client_id: 'not-installed', client_secret: 'secret-not-installed', org_name: ORG },
      'kus-not-installed',
    );
    const first = await world.browserFetch(url, { redirect: 'manual' });
    const back = new URL(first.headers.get('location')!);
    expect(back.pathname).toBe('/embedded/accounts/callback');
    expect(back.searchParams.get('error')).toBe('invalid_client');
    const attempt = (await hub(server, session.token)('GET', `/hub/connection_attempts/${attemptId}`)).json;
    expect(attempt).toMatchObject({ status: 'error', error: { code: 'invalid_client' } });
    expect(attempt.error.description).toMatch(/install the OAuth app in your Kustomer organization/);
    expect(world.fakes.kustomer.requests.findLast((r) => r.path === '/oauth/authorize')?.host).toBe(
      'api.apps.kustomerapp.com',
    );
  });

  it('Oneflow links with an API token checked at api.oneflow.com, and its actions run there', async () => {
    const s = await createSession(server, { origin_owner_id: 'of-shipped' });
    const res = await hub(server, s.token)('POST', '/hub/accounts', {
      integration_id: profiles.oneflow,
      credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
    });
    expect(res.status).toBe(201);
    expect(world.fakes.oneflow.requests.every((r) => r.host === 'api.oneflow.com')).toBe(true);
    expect(world.fakes.oneflow.requests.length).toBeGreaterThan(0);
  });

  it('never tried a host no fake serves', () => {
    expect(world.internet.refused).toEqual([]);
  });

  it('sent the fakes nothing that broke a rule of the connector files, nor anything they do not serve', () => {
    for (const fake of [world.fakes.kustomer, world.fakes.salesforce, world.fakes.oneflow, sandbox]) {
      expect(fake.problems).toEqual([]);
      expect(fake.unexpected).toEqual([]);
    }
  });
});
