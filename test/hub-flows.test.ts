import { cookieJar, popupBrowser } from './helpers/cookie-jar.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import { drivePopup, oauthPopupUrl } from './helpers/link-accounts.js';
import { api, type TestServer } from './helpers/server.js';
import { createSession, hub, KUSTOMER_CLIENT, ONEFLOW_EMAIL, ONEFLOW_TOKEN } from './helpers/linking.js';
import { calls, type SeedFakes } from './helpers/seed-fakes.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { expectWire } from './helpers/contract.js';
import { hubAttempt } from '../src/contract/attempts.js';
import { fetch as undiciFetch } from 'undici';
import { SALESFORCE_INSTANCE } from './helpers/shipped.js';

let server: TestServer;
let fakes: SeedFakes;
let profiles: Profiles;

const world = useWorld();
beforeAll(async () => {
  ({ server, fakes, profiles } = world);
});

/** Oneflow's test action: GET /v1/ping (connectors/oneflow.json). */
const pings = () => calls(fakes.oneflow, '/v1/ping', 'GET').length;

async function count(table: string) {
  return (await server.app.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!
    .n;
}

const popup = (url: string, maxHops = 6) => drivePopup(url, maxHops);

const popupUrl = (integrationId: string, token: string, attemptId: string, fields?: Record<string, string>) =>
  oauthPopupUrl(server, integrationId, token, attemptId, fields);

const kustomerFields = {
  client_id: KUSTOMER_CLIENT.clientId,
  client_secret: KUSTOMER_CLIENT.clientSecret,
  org_name: 'acme',
};

describe('Hub API', () => {
  it("answers CORS preflight and lists the session's integrations", async () => {
    const s = await createSession(server);
    const pre = await fetch(`${server.url}/hub/connectors`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'content-type,x-hub-session-token,x-hub-version',
      },
    });
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/x-hub-session-token/);
    const res = await hub(server, s.token)('GET', '/hub/connectors');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.json.integrations.map((i: { provider: string }) => i.provider).sort()).toEqual([
      'kustomer',
      'oneflow',
      'salesforce',
    ]);
    expect(res.json.integrations[0]).toMatchObject({
      active: true,
      integration_id: expect.any(String),
      name: expect.any(String),
      type: expect.any(String),
    });

    const crm = await createSession(server, { categories: ['documents'] });
    expect(
      (await hub(server, crm.token)('GET', '/hub/connectors')).json.integrations.map(
        (i: { provider: string }) => i.provider,
      ),
    ).toEqual(['oneflow']);
    const one = await createSession(server, { provider: 'salesforce' });
    expect(
      (await hub(server, one.token)('GET', '/hub/connectors')).json.integrations.map(
        (i: { provider: string }) => i.provider,
      ),
    ).toEqual(['salesforce']);
  });

  it('serves a connector config in the Falcon shape with validation patterns', async () => {
    const s = await createSession(server);
    const res = await hub(server, s.token)('GET', `/hub/connectors/${profiles.kustomer}`);
    expect(res.json.config).toMatchObject({
      key: 'kustomer',
      name: 'Kustomer',
      type: 'oauth2',
      grantType: 'authorization_code',
    });
    const org = res.json.config.configFields.find((f: { key: string }) => f.key === 'org_name');
    expect(new RegExp(org.validation.pattern).test('acme')).toBe(true);
    expect(new RegExp(org.validation.pattern).test('evil.com#')).toBe(false);
    const of = await hub(server, s.token)('GET', `/hub/connectors/${profiles.oneflow}`);
    expect(of.json.config.type).toBe('custom');
    expect(of.json.config.configFields.map((f: { key: string }) => f.key)).toEqual([
      'api_token',
      'user_email',
    ]);
  });

  it('is 401 for unknown and expired session tokens', async () => {
    expect((await hub(server, 'x'.repeat(43))('GET', '/hub/connectors')).status).toBe(401);
    const s = await createSession(server);
    await server.app.deps.db.query(
      "UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [s.id],
    );
    const res = await hub(server, s.token)('GET', '/hub/settings');
    expect(res.status).toBe(401);
    expect(res.json.statusCode).toBe(401);
  });
});

describe('Oneflow (API token)', () => {
  it('refuses a malformed token or email without calling Oneflow', async () => {
    const s = await createSession(server, { origin_owner_id: 'of-bad' });
    const before = pings();
    const res = await hub(server, s.token)('POST', '/hub/accounts', {
      integration_id: profiles.oneflow,
      credentials: { api_token: 'short', user_email: 'nope' },
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/40 letters/);
    expect(pings()).toBe(before);
  });

  it("runs /v1/ping before creating: a wrong token gives Oneflow's message and creates nothing", async () => {
    const s = await createSession(server, { origin_owner_id: 'of-wrong' });
    const before = await count('accounts');
    const res = await hub(server, s.token)('POST', '/hub/accounts', {
      integration_id: profiles.oneflow,
      credentials: { api_token: 'Z'.repeat(40), user_email: ONEFLOW_EMAIL },
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/^Oneflow rejected the credentials: /);
    expect(typeof res.json.provider_response).toBe('string');
    expect(res.json.provider_response).not.toContain('Z'.repeat(40));
    expect(await count('accounts')).toBe(before);
  });

  it('links with a good token; a second link of the same owner edits the account', async () => {
    const s = await createSession(server, { origin_owner_id: 'of-good' });
    const t0 = performance.now();
    const res = await hub(server, s.token)('POST', '/hub/accounts', {
      integration_id: profiles.oneflow,
      credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
    });
    const visible = await api(server)('GET', `/accounts/${res.json.id}`);
    console.log(`oneflow: POST /hub/accounts → account visible in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(res.status).toBe(201);
    expect(res.json.provider).toBe('oneflow');
    expect(visible.json).toMatchObject({
      provider: 'oneflow',
      origin_owner_id: 'of-good',
      status: 'active',
      setup_information: { user_email: ONEFLOW_EMAIL },
    });
    expect(visible.json.credentials.api_token).toBe(`__secretvalue:**redacted**${ONEFLOW_TOKEN.slice(-4)}`);
    const raw = await server.app.deps.db.query('SELECT secrets FROM accounts WHERE id = $1', [res.json.id]);
    expect(raw.rows[0].secrets).not.toContain(ONEFLOW_TOKEN);

    const again = await createSession(server, { origin_owner_id: 'of-good', provider: 'oneflow' });
    const settings = await hub(server, again.token)('GET', '/hub/settings');
    expect(settings.json.existing_account_id).toBe(res.json.id);
    const acc = await hub(server, again.token)('GET', `/hub/accounts/${res.json.id}`);
    expect(acc.json).toMatchObject({
      provider: 'oneflow',
      integrationId: profiles.oneflow,
      setupInformation: { user_email: ONEFLOW_EMAIL },
    });
    expect(acc.json.secrets.api_token).toMatch(/^__secretvalue:\*\*redacted\*\*/);
    // The official Hub omits an unchanged redacted secret: the stored one is kept and re-tested.
    fakes.oneflow.acceptConfig({ api_token: ONEFLOW_TOKEN, user_email: 'second@example.com' });
    const patched = await hub(server, again.token)('PATCH', `/hub/accounts/${res.json.id}`, {
      integration_id: profiles.oneflow,
      credentials: { user_email: 'second@example.com' },
    });
    expect(patched.status).toBe(200);
    expect((await api(server)('GET', `/accounts/${res.json.id}`)).json.setup_information.user_email).toBe(
      'second@example.com',
    );

    const other = await createSession(server, { origin_owner_id: 'someone-else' });
    expect((await hub(server, other.token)('GET', `/hub/accounts/${res.json.id}`)).status).toBe(404);
  });
});

describe('Kustomer (OAuth 2.0, end-user client)', () => {
  it('links through the popup with PKCE and offline_access; tokens are sealed', async () => {
    const s = await createSession(server, { origin_owner_id: 'kus-1' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    expect(attempt.json.id).toMatch(/^att_/);
    // The end user's Kustomer app grants these scopes: the fake asks for them (and offline_access).
    const config = fakes.kustomer.fixture.config;
    config.scopes = 'org.permission.customer';
    const t0 = performance.now();
    const flow = await popup(
      popupUrl(profiles.kustomer, s.token, attempt.json.id, {
        ...kustomerFields,
        scopes: 'org.permission.customer',
      }),
    ).finally(() => delete config.scopes);
    expect(flow.final.searchParams.get('status')).toBe('success');
    const poll = await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt.json.id}`);
    console.log(
      `kustomer: popup start → attempt authenticated in ${(performance.now() - t0).toFixed(1)} ms (3 hops + token + test call)`,
    );
    expect(poll.json).toMatchObject({
      status: 'authenticated',
      account: { id: flow.final.searchParams.get('account_id') },
      error: null,
    });
    expectWire(hubAttempt, poll.json);
    expectWire(hubAttempt, attempt.json);

    const auth = fakes.kustomer.lastAuthorization!;
    expect(auth.codeChallenge).toBeTruthy();
    expect(auth.scope!.split(' ')).toEqual(['org.permission.customer', 'offline_access']);
    const tokenCall = fakes.kustomer.requests.find((r) => r.path === '/oauth/token')!;
    expect(tokenCall.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);

    const account = await api(server)('GET', `/accounts/${poll.json.account.id}`);
    expect(account.json).toMatchObject({
      provider: 'kustomer',
      status: 'active',
      setup_information: { client_id: KUSTOMER_CLIENT.clientId, org_name: 'acme' },
    });
    const raw = await server.app.deps.db.query(
      'SELECT credentials, secrets, token_expires_at FROM accounts WHERE id = $1',
      [poll.json.account.id],
    );
    const issued = fakes.kustomer.requests.filter((r) => r.path === '/oauth/token').length;
    expect(issued).toBeGreaterThan(0);
    expect(raw.rows[0].credentials).toMatch(/^v1\./);
    expect(raw.rows[0].secrets).not.toContain(KUSTOMER_CLIENT.clientSecret);
    expect(raw.rows[0].token_expires_at).toBeInstanceOf(Date);
  });

  it('translates "Invalid Client" (app not installed) and creates nothing', async () => {
    // A client id the fake's Kustomer org has not installed: it answers the fixture's
    // `authorize.unknown_client` (400 "Invalid Client").
    const s = await createSession(server, { origin_owner_id: 'kus-2' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const before = await count('accounts');
    const flow = await popup(
      popupUrl(profiles.kustomer, s.token, attempt.json.id, {
        client_id: 'not-installed',
        client_secret: 'secret-not-installed',
        org_name: 'acme',
      }),
    );
    // Kustomer answers 400 on its own page; the server's authorize preflight sees it first, so
    // the popup lands on the Hub's callback page with the translated message, not Kustomer's page.
    expect(flow.final.searchParams.get('status')).toBe('error');
    expect(flow.final.searchParams.get('error')).toBe('invalid_client');
    expect(flow.final.searchParams.get('error_description')).toMatch(
      /^Kustomer rejected the client: install the OAuth app/,
    );
    const poll = await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt.json.id}`);
    expect(poll.json).toMatchObject({ status: 'error', error: { code: 'invalid_client' } });
    expect(await count('accounts')).toBe(before);
  });

  it('translates Invalid Client from the token endpoint', async () => {
    const s = await createSession(server, { origin_owner_id: 'kus-3' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const invalidClient = {
      status: 400,
      body: { error: 'invalid_client', error_description: 'Invalid Client' },
    };
    fakes.kustomer.failTokenNext(invalidClient, Infinity);
    try {
      const flow = await popup(popupUrl(profiles.kustomer, s.token, attempt.json.id, kustomerFields));
      expect(flow.final.searchParams.get('status')).toBe('error');
    } finally {
      fakes.kustomer.failTokenNext(invalidClient, 0);
    }
    const poll = await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt.json.id}`);
    expect(poll.json.status).toBe('error');
    expect(poll.json.error.description).toBe(
      'Kustomer rejected the client: install the OAuth app in your Kustomer organization (App Directory) before connecting.',
    );
  });

  it('reports denied consent as an error on the attempt', async () => {
    const s = await createSession(server, { origin_owner_id: 'kus-4' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    // A lasting "deny": the server's authorize preflight (connectors/kustomer.json) makes its own
    // GET before the popup's, which would use up a one-shot denial.
    fakes.kustomer.denyNextAuthorization(Infinity);
    const flow = await popup(popupUrl(profiles.kustomer, s.token, attempt.json.id, kustomerFields)).finally(
      () => fakes.kustomer.denyNextAuthorization(0),
    );
    expect(flow.final.searchParams.get('status')).toBe('error');
    const poll = await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt.json.id}`);
    expect(poll.json).toMatchObject({ status: 'error', account: null, error: { code: 'access_denied' } });
  });

  it.each(['evil.com#', 'a.b', 'x/../y', 'evil.com:443'])(
    'refuses org name %j before contacting anyone',
    async (org) => {
      const s = await createSession(server, { origin_owner_id: 'kus-evil' });
      const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
      const before = fakes.kustomer.counts.authorize;
      const flow = await popup(
        popupUrl(profiles.kustomer, s.token, attempt.json.id, { ...kustomerFields, org_name: org }),
      );
      expect(flow.final.searchParams.get('status')).toBe('error');
      expect(flow.final.searchParams.get('error_description')).toMatch(/subdomain only/);
      expect(fakes.kustomer.counts.authorize).toBe(before);
      expect(
        (
          await server.app.deps.db.query(
            'SELECT count(*)::int AS n FROM oauth_states WHERE attempt_id = $1',
            [attempt.json.id],
          )
        ).rows[0].n,
      ).toBe(0);
    },
  );
});

describe('Salesforce (OAuth 2.0, profile client)', () => {
  it('links with S256 PKCE and keeps instance_url', async () => {
    const s = await createSession(server, { origin_owner_id: 'sf-1' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const flow = await popup(popupUrl(profiles.salesforce, s.token, attempt.json.id));
    expect(flow.final.searchParams.get('status')).toBe('success');
    expect(fakes.salesforce.lastAuthorization!.codeChallenge).toBeTruthy();
    const id = flow.final.searchParams.get('account_id')!;
    const creds = server.app.deps.vault.openJson<Record<string, unknown>>(
      (await server.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [id])).rows[0]
        .credentials,
    );
    expect(creds.instance_url).toBe(SALESFORCE_INSTANCE);
    expect(creds.refresh_token).toBeTruthy();
    expect(creds.expires_at).toBeNull();
  });

  it('translates "missing required code challenge" when PKCE is turned off', async () => {
    await api(server)('PATCH', `/connector_profiles/${profiles.salesforce}`, { pkce: false });
    try {
      const s = await createSession(server, { origin_owner_id: 'sf-2' });
      const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
      const flow = await popup(popupUrl(profiles.salesforce, s.token, attempt.json.id));
      expect(flow.final.searchParams.get('status')).toBe('error');
      const poll = await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt.json.id}`);
      expect(poll.json.error.description).toMatch(/requires PKCE/);
    } finally {
      await api(server)('PATCH', `/connector_profiles/${profiles.salesforce}`, { pkce: true });
    }
  });
});

describe('OAuth security', () => {
  async function startedFlow(owner: string) {
    const s = await createSession(server, { origin_owner_id: owner });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const first = await popupBrowser(popupUrl(profiles.kustomer, s.token, attempt.json.id, kustomerFields), {
      redirect: 'manual',
    });
    const authorize = new URL(first.headers.get('location')!);
    const consent = await undiciFetch(authorize, { redirect: 'manual', dispatcher: world.internet.http });
    const callback = new URL(consent.headers.get('location')!);
    return { s, attempt: attempt.json.id as string, callback };
  }

  it('refuses a replayed state and writes nothing the second time', async () => {
    const { callback } = await startedFlow('sec-replay');
    const t0 = performance.now();
    const ok = await popupBrowser(callback.toString(), { redirect: 'manual' });
    console.log(
      `kustomer: callback → attempt authenticated in ${(performance.now() - t0).toFixed(1)} ms (token exchange + test call + account write)`,
    );
    expect(new URL(ok.headers.get('location')!).searchParams.get('status')).toBe('success');
    const accounts = await count('accounts');
    const replay = await popupBrowser(callback.toString(), { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used/);
    expect(await count('accounts')).toBe(accounts);
  });

  it('is bound to the browser that began it: another browser cannot finish the flow, and the state stays usable (RFC 9700 §4.7)', async () => {
    // The attack: an attacker begins a flow with their own session and hands the callback (or the
    // authorize URL of a provider that remembers consent) to a victim, whose browser completes it.
    const { callback, attempt, s } = await startedFlow('sec-browser');
    const victim = cookieJar();
    const stolen = await victim(callback.toString(), { redirect: 'manual' });
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toMatch(/different browser or window than the one you started in/);
    expect((await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt}`)).json.status).toBe(
      'pending',
    );
    // The browser that began it still finishes.
    const own = await popupBrowser(callback.toString(), { redirect: 'manual' });
    expect(new URL(own.headers.get('location')!).searchParams.get('status')).toBe('success');
  });

  it("review L1/L2: the begin error path neither redirects off-site without a valid attempt nor ends another session's attempt", async () => {
    const s = await createSession(server, { origin_owner_id: 'sec-l1' });
    const q = new URLSearchParams({
      redirect_uri: 'https://evil.example/embedded/accounts/callback',
      token: s.token,
    });
    const open = await fetch(`${server.url}/connect/oauth2/${profiles.kustomer}?${q}`, {
      redirect: 'manual',
    });
    expect(open.status).toBe(400);
    expect(open.headers.get('location')).toBeNull();
    // Another project's session with this session's attempt id and an unknown integration.
    const victim = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const b = await createProject(server.app.deps.db, 'L2');
    const keyB = generateApiKey();
    await addApiKey(server.app.deps.db, b.projectId, keyB);
    const sB = (
      await api(server, keyB)('POST', '/connect_sessions', { origin_owner_id: 'x', origin_owner_name: 'X' })
    ).json;
    const q2 = new URLSearchParams({
      redirect_uri: 'https://app.example.com/embedded/accounts/callback',
      token: sB.token,
      connection_attempt_id: victim.json.id,
    });
    expect(
      (await fetch(`${server.url}/connect/oauth2/prof_unknown?${q2}`, { redirect: 'manual' })).status,
    ).toBe(404);
    expect(
      (await hub(server, s.token)('GET', `/hub/connection_attempts/${victim.json.id}`)).json.status,
    ).toBe('pending');
  });

  it('refuses a forged state and a state for another provider', async () => {
    const { callback, attempt, s } = await startedFlow('sec-forged');
    const forged = new URL(callback);
    forged.searchParams.set('state', `forged-${'a'.repeat(40)}`);
    expect((await popupBrowser(forged.toString(), { redirect: 'manual' })).status).toBe(400);
    const wrongProvider = new URL(callback.toString().replace('/kustomer/callback', '/salesforce/callback'));
    expect((await popupBrowser(wrongProvider.toString(), { redirect: 'manual' })).status).toBe(400);
    const noState = new URL(callback);
    noState.searchParams.delete('state');
    expect((await popupBrowser(noState.toString(), { redirect: 'manual' })).status).toBe(400);
    expect((await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt}`)).json.status).toBe(
      'pending',
    );
  });

  it('refuses an expired state', async () => {
    const { callback, attempt, s } = await startedFlow('sec-expired');
    await server.app.deps.db.query(
      "UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE attempt_id = $1",
      [attempt],
    );
    const before = await count('accounts');
    expect((await popupBrowser(callback.toString(), { redirect: 'manual' })).status).toBe(400);
    expect(await count('accounts')).toBe(before);
    expect((await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt}`)).json.status).toBe(
      'pending',
    );
  });

  it('does not complete a cancelled attempt', async () => {
    const { callback, attempt, s } = await startedFlow('sec-cancel');
    await hub(server, s.token)('DELETE', `/hub/connection_attempts/${attempt}`);
    const before = await count('accounts');
    const res = await popupBrowser(callback.toString(), { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('status')).toBe('error');
    expect(await count('accounts')).toBe(before);
    expect((await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt}`)).json.status).toBe(
      'cancelled',
    );
  });

  it("refuses project A's session against project B's profile, and a popup without a matching attempt", async () => {
    const b = await createProject(server.app.deps.db, 'B');
    const keyB = generateApiKey();
    await addApiKey(server.app.deps.db, b.projectId, keyB);
    const profileB = await api(server, keyB)('POST', '/connector_profiles', { provider: 'kustomer' });
    const sA = await createSession(server, { origin_owner_id: 'sec-cross' });
    const attemptA = await hub(server, sA.token)('POST', '/hub/connection_attempts', { token: sA.token });
    const before = fakes.kustomer.counts.authorize;
    const res = await fetch(popupUrl(profileB.json.id, sA.token, attemptA.json.id, kustomerFields), {
      redirect: 'manual',
    });
    expect(res.status).toBe(404);
    expect((await hub(server, sA.token)('GET', `/hub/connectors/${profileB.json.id}`)).status).toBe(404);

    const sB = await createSession(server, {}, keyB);
    const attemptB = await hub(server, sB.token)('POST', '/hub/connection_attempts', { token: sB.token });
    const mixed = await fetch(popupUrl(profiles.kustomer, sA.token, attemptB.json.id, kustomerFields), {
      redirect: 'manual',
    });
    expect(mixed.status).toBe(404);
    const missing = await fetch(popupUrl(profiles.kustomer, sA.token, 'att_missing', kustomerFields), {
      redirect: 'manual',
    });
    expect(missing.status).toBe(404);
    expect((await hub(server, sA.token)('GET', `/hub/connection_attempts/${attemptB.json.id}`)).status).toBe(
      404,
    );
    expect(fakes.kustomer.counts.authorize).toBe(before);
    expect(
      await server.app.deps.db.query('SELECT 1 FROM oauth_states WHERE attempt_id = ANY($1)', [
        [attemptA.json.id, attemptB.json.id],
      ]),
    ).toMatchObject({ rowCount: 0 });
  });

  it('refuses a redirect_uri that is not a Hub callback page', async () => {
    const s = await createSession(server, { origin_owner_id: 'sec-redirect' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const q = new URLSearchParams({
      redirect_uri: 'https://evil.example.com/steal',
      token: s.token,
      connection_attempt_id: attempt.json.id,
      ...kustomerFields,
    });
    const res = await fetch(`${server.url}/connect/oauth2/${profiles.kustomer}?${q}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});
