import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from './helpers/server.js';
import { createProfiles, createSession, hub, KUSTOMER_CLIENT, ONEFLOW_EMAIL } from './helpers/linking.js';
import { followToCallback, oauthPopupUrl } from './helpers/link-accounts.js';
import { json, startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { z } from 'zod';
import { expectWire } from './helpers/contract.js';
import { attemptCount, connectionAttempt } from '../src/contract/attempts.js';
import { errorBody } from '../src/contract/common.js';
import { startShippedServer } from './helpers/shipped.js';
import { type SeedFakes, startSeedFakes } from './helpers/seed-fakes.js';
import { type Internet, setCurrentInternet, startInternet } from './helpers/internet.js';

/**
 * Link failures the admin can see: API-token checks the provider refuses or cannot answer,
 * OAuth denials and client errors, popups closed. Listed at GET /connection_attempts, counted in
 * /metrics, and stored without any value the end user submitted.
 */
let server: TestServer;
let fakes: SeedFakes;
let internet: Internet;
let echo: ScriptedUpstream;
let profiles: Awaited<ReturnType<typeof createProfiles>>;
let echoProfile: string;
let deadProfile: string;
let keyB: string;
/** A Oneflow that repeats the credentials it refuses, and one that is down, at names of their own. */
const ECHO_HOST = 'api.oneflow-echo.test';
const DOWN_HOST = 'api.oneflow-down.test';
const WRONG_TOKEN = 'of-wrong-token-ZYXWVUT-9876543210-secret';
const ECHOED_TOKEN = 'of-echoed-token-QWERTY-1234567890-secret';
const kustomerFields = {
  client_id: KUSTOMER_CLIENT.clientId,
  client_secret: KUSTOMER_CLIENT.clientSecret,
  org_name: 'acme',
};

beforeAll(async () => {
  // The seed profiles run as shipped. Two more Oneflow profiles override the base URL on purpose:
  // a provider that echoes the credentials it refuses and one that is down, beside the working
  // Oneflow at api.oneflow.com (one host name cannot be three providers at once). The internet
  // stand-in answers their host names too: the echo with a scripted upstream, the other with a
  // port nothing listens on, so the private-network switch stays off.
  fakes = await startSeedFakes();
  // A provider that repeats the credentials it refuses, as careless APIs do.
  echo = await startUpstream((req, res) =>
    json(401, {
      message: `Token ${req.headers['x-oneflow-api-token'] ?? ''} of ${req.headers['x-oneflow-user-email'] ?? ''} is not valid`,
    })(req, res),
  );
  const down = await startUpstream();
  const downPort = Number(new URL(down.url).port);
  await down.close();
  internet = await startInternet([
    ...fakes.routes,
    { hosts: [ECHO_HOST], port: Number(new URL(echo.url).port) },
    { hosts: [DOWN_HOST], port: downPort },
  ]);
  setCurrentInternet(internet);
  server = await startShippedServer({ fakes, internet });
  profiles = await createProfiles(server, fakes);
  echoProfile = (
    await api(server)('POST', '/connector_profiles', {
      provider: 'oneflow',
      label: 'Oneflow echo',
      overrides: { base_url: `https://${ECHO_HOST}/v1` },
    })
  ).json.id;
  deadProfile = (
    await api(server)('POST', '/connector_profiles', {
      provider: 'oneflow',
      label: 'Oneflow down',
      overrides: { base_url: `https://${DOWN_HOST}/v1` },
    })
  ).json.id;
  const project = await createProject(server.app.deps.db, 'B');
  keyB = generateApiKey();
  await addApiKey(server.app.deps.db, project.projectId, keyB);
});
afterAll(async () => {
  await server?.close();
  setCurrentInternet(undefined);
  await internet?.close();
  await fakes?.close();
  await echo?.close();
});

type Listed = {
  id: string;
  provider: string;
  status: string;
  method: string;
  origin_owner_id: string;
  origin_owner_name: string;
  error: { code: string; description: string; provider_code: string | null } | null;
  created_at: string;
  ended_at: string | null;
};
const list = async (query = '', key = server.apiKey) => {
  const res = await api(server, key)('GET', `/connection_attempts${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json as Listed[];
};

async function linkOneflow(owner: string, integrationId: string, token: string) {
  const s = await createSession(server, { origin_owner_id: owner, origin_owner_name: `Owner ${owner}` });
  return hub(server, s.token)('POST', '/hub/accounts', {
    integration_id: integrationId,
    credentials: { api_token: token, user_email: ONEFLOW_EMAIL },
  });
}

async function metric(connector: string, reason: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(
    `^switchboard_link_failures_total\\{connector="${connector}",reason="${reason}"\\} (\\d+)$`,
    'm',
  ).exec(text);
  return m ? Number(m[1]) : 0;
}

describe('API-token link failures', () => {
  it('records a refused token as an error attempt, counted, without the token', async () => {
    const before = await metric('oneflow', 'credentials_rejected');
    const res = await linkOneflow('of-refused', profiles.oneflow, WRONG_TOKEN);
    expect(res.status).toBe(400);
    const [row] = await list('?origin_owner_id=of-refused');
    expect(row).toMatchObject({
      provider: 'oneflow',
      method: 'api_token',
      status: 'error',
      origin_owner_id: 'of-refused',
      origin_owner_name: 'Owner of-refused',
      error: { code: 'credentials_rejected', provider_code: expect.stringMatching(/^http_4\d\d$/) },
    });
    expect(row!.error!.description).toBe(res.json.message);
    expect(row!.ended_at).toBe(row!.created_at);
    expectWire(errorBody, res.json);
    const wire = await api(server)('GET', '/connection_attempts?origin_owner_id=of-refused');
    expect(expectWire(z.array(connectionAttempt), wire.json)).toHaveLength(1);
    const counted = await api(server)('GET', '/connection_attempts/count?origin_owner_id=of-refused');
    expect(expectWire(attemptCount, counted.json).count).toBe(1);
    expect(await metric('oneflow', 'credentials_rejected')).toBe(before + 1);
    // No account was made.
    expect(
      (await api(server)('GET', '/accounts')).json.filter(
        (a: { origin_owner_id: string }) => a.origin_owner_id === 'of-refused',
      ),
    ).toEqual([]);
  });

  it('redacts the submitted values a provider echoes back', async () => {
    const res = await linkOneflow('of-echo', echoProfile, ECHOED_TOKEN);
    expect(res.status).toBe(400);
    const [row] = await list('?origin_owner_id=of-echo');
    expect(row!.error!.code).toBe('credentials_rejected');
    expect(row!.error!.description).toContain('[redacted]');
    // The stored rows, every column, hold neither the token nor the email.
    const { rows } = await server.app.deps.db.query('SELECT * FROM connection_attempts');
    const stored = JSON.stringify(rows);
    for (const secret of [ECHOED_TOKEN, WRONG_TOKEN, encodeURIComponent(ONEFLOW_EMAIL), ONEFLOW_EMAIL])
      expect(stored).not.toContain(secret);
  });

  it('tells an unreachable provider from refused credentials', async () => {
    const before = await metric('oneflow', 'provider_unreachable');
    const res = await linkOneflow('of-down', deadProfile, WRONG_TOKEN);
    expect(res.status).toBe(400);
    const [row] = await list('?origin_owner_id=of-down');
    expect(row).toMatchObject({
      status: 'error',
      error: { code: 'provider_unreachable', description: 'Could not reach Oneflow: connection failed' },
    });
    expect(await metric('oneflow', 'provider_unreachable')).toBe(before + 1);
  });
});

const popupUrl = (integrationId: string, token: string, attemptId: string, fields?: Record<string, string>) =>
  oauthPopupUrl(server, integrationId, token, attemptId, fields);

async function oauthAttempt(owner: string) {
  const s = await createSession(server, { origin_owner_id: owner });
  const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  return { token: s.token, id: attempt.json.id as string };
}

describe('OAuth link failures', () => {
  it('records denied consent as consent_denied with the provider code', async () => {
    const before = await metric('kustomer', 'consent_denied');
    const a = await oauthAttempt('kus-deny');
    // The lasting answer: the server's authorize preflight GET would use up a one-shot denial.
    fakes.kustomer.denyNextAuthorization(Infinity);
    const cb = await followToCallback(popupUrl(profiles.kustomer, a.token, a.id, kustomerFields)).finally(
      () => fakes.kustomer.denyNextAuthorization(0),
    );
    expect(cb.searchParams.get('status')).toBe('error');
    const [row] = await list('?origin_owner_id=kus-deny');
    expect(row).toMatchObject({
      id: a.id,
      provider: 'kustomer',
      method: 'oauth2',
      status: 'error',
      error: { code: 'consent_denied', provider_code: 'access_denied' },
    });
    expect(row!.ended_at).not.toBeNull();
    expect(await metric('kustomer', 'consent_denied')).toBe(before + 1);
    // The Hub still sees the provider's word, as before.
    expect((await hub(server, a.token)('GET', `/hub/connection_attempts/${a.id}`)).json.error.code).toBe(
      'access_denied',
    );
  });

  it('records Invalid Client at the token exchange as invalid_client', async () => {
    const a = await oauthAttempt('kus-client');
    const invalidClient = {
      status: 400,
      body: { error: 'invalid_client', error_description: 'Invalid Client' },
    };
    fakes.kustomer.failTokenNext(invalidClient, Infinity);
    try {
      await followToCallback(popupUrl(profiles.kustomer, a.token, a.id, kustomerFields));
    } finally {
      fakes.kustomer.failTokenNext(invalidClient, 0);
    }
    const [row] = await list('?origin_owner_id=kus-client');
    expect(row).toMatchObject({
      status: 'error',
      error: { code: 'invalid_client', provider_code: 'invalid_client' },
    });
    const stored = JSON.stringify(
      (await server.app.deps.db.query('SELECT * FROM connection_attempts WHERE id = $1', [a.id])).rows,
    );
    expect(stored).not.toContain(KUSTOMER_CLIENT.clientSecret);
  });

  it('records a closed popup as cancelled, counted once', async () => {
    const before = await metric('unknown', 'cancelled');
    const a = await oauthAttempt('kus-closed');
    expect((await hub(server, a.token)('DELETE', `/hub/connection_attempts/${a.id}`)).json.status).toBe(
      'cancelled',
    );
    await hub(server, a.token)('DELETE', `/hub/connection_attempts/${a.id}`);
    const [row] = await list('?origin_owner_id=kus-closed');
    expect(row).toMatchObject({ id: a.id, status: 'cancelled', error: { code: 'cancelled' } });
    // The popup was closed before it named a profile: the connector is not known.
    expect(await metric('unknown', 'cancelled')).toBe(before + 1);
  });
});

describe('GET /connection_attempts', () => {
  it('lists a popup nobody finished as expired, ended at its deadline', async () => {
    const a = await oauthAttempt('kus-abandoned');
    const deadline = new Date(Date.now() - 1000);
    await server.app.deps.db.query('UPDATE connection_attempts SET expires_at = $2 WHERE id = $1', [
      a.id,
      deadline,
    ]);
    const [row] = await list('?status=expired');
    expect(row).toMatchObject({
      id: a.id,
      status: 'expired',
      error: { code: 'expired' },
      ended_at: deadline.toISOString(),
    });
    expect(await list('?status=pending&origin_owner_id=kus-abandoned')).toEqual([]);
    expect((await list('?reason=expired')).map((r) => r.id)).toEqual([a.id]);
  });

  it('filters by status, reason, provider, origin owner and time, newest first', async () => {
    const errors = await list('?status=error&page_size=100');
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(errors.every((r) => r.status === 'error')).toBe(true);
    expect(errors.map((r) => r.created_at)).toEqual([...errors.map((r) => r.created_at)].sort().reverse());
    expect((await list('?status=error,cancelled&page_size=100')).length).toBe(errors.length + 1);
    expect((await list('?provider=kustomer&status=error')).map((r) => r.origin_owner_id).sort()).toEqual([
      'kus-client',
      'kus-deny',
    ]);
    expect((await list('?reason=provider_unreachable')).map((r) => r.origin_owner_id)).toEqual(['of-down']);
    expect((await list(`?integration_id=${echoProfile}`)).map((r) => r.origin_owner_id)).toEqual(['of-echo']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await list(`?start_date=${future}`)).toEqual([]);
    expect((await list(`?end_date=${future}&status=error&page_size=100`)).length).toBe(errors.length);
    expect(await list(`?end_date=2020-01-01T00:00:00.000Z`)).toEqual([]);
    const count = await api(server)('GET', '/connection_attempts/count?status=error');
    expect(count.json).toEqual({ count: errors.length });
  });

  it('pages with page and page_size', async () => {
    const all = await list('?page_size=100');
    const pages: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 2); page++)
      pages.push(...(await list(`?page_size=2&page=${page}`)).map((r) => r.id));
    expect(pages).toEqual(all.map((r) => r.id));
    expect(await list(`?page_size=2&page=${Math.ceil(all.length / 2) + 1}`)).toEqual([]);
  });

  it('refuses unknown statuses and reasons with a 400 naming the field', async () => {
    for (const q of ['?status=failed', '?reason=oops', '?page_size=0', '?start_date=yesterday']) {
      const res = await api(server)('GET', `/connection_attempts${q}`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({
        statusCode: 400,
        message: expect.any(String),
        timestamp: expect.any(String),
      });
    }
    expect((await api(server)('GET', '/connection_attempts?status=failed')).json.message).toMatch(/status/);
  });

  it("never shows another project's attempts", async () => {
    const profileB = (
      await api(server, keyB)('POST', '/connector_profiles', {
        provider: 'oneflow',
      })
    ).json.id;
    const s = await createSession(server, { origin_owner_id: 'b-owner' }, keyB);
    expect(
      (
        await hub(server, s.token)('POST', '/hub/accounts', {
          integration_id: profileB,
          credentials: { api_token: WRONG_TOKEN, user_email: ONEFLOW_EMAIL },
        })
      ).status,
    ).toBe(400);
    const b = await list('', keyB);
    expect(b.map((r) => r.origin_owner_id)).toEqual(['b-owner']);
    expect((await list('?page_size=100')).some((r) => r.origin_owner_id === 'b-owner')).toBe(false);
    expect(await list('?origin_owner_id=b-owner')).toEqual([]);
    expect((await api(server)('GET', `/connection_attempts/count?integration_id=${profileB}`)).json).toEqual({
      count: 0,
    });
  });

  it('needs an API key', async () => {
    expect((await fetch(`${server.url}/connection_attempts`)).status).toBe(401);
  });
});

describe('connect sessions that cannot work', () => {
  it('refuses a provider outside every requested category, in the contract error shape', async () => {
    const res = await api(server)('POST', '/connect_sessions', {
      origin_owner_id: 'o',
      origin_owner_name: 'O',
      provider: 'salesforce',
      categories: ['documents'],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toMatchObject({
      statusCode: 400,
      message:
        'No active connector profile matches provider salesforce with categories [documents]: salesforce is in crm',
      timestamp: expect.stringMatching(/Z$/),
    });
    expect(
      (
        await server.app.deps.db.query(
          "SELECT count(*)::int AS n FROM connect_sessions WHERE origin_owner_id = 'o'",
        )
      ).rows[0].n,
    ).toBe(0);
  });

  it('still accepts categories alone, a matching pair, and a provider that has no profile yet', async () => {
    for (const body of [
      { categories: ['documents'] },
      { provider: 'salesforce', categories: ['crm', 'documents'] },
      { provider: 'salesforce' },
    ]) {
      expect(
        (
          await api(server, keyB)('POST', '/connect_sessions', {
            origin_owner_id: 'o2',
            origin_owner_name: 'O',
            ...body,
          })
        ).status,
      ).toBe(201);
    }
  });
});

describe('Hub names of several profiles of one connector', () => {
  it('adds the environment to a default label, keeps a label of its own', async () => {
    const call = api(server, keyB);
    const setup = { client_id: 'c', client_secret: 'secret-123456' };
    await call('POST', '/connector_profiles', { provider: 'salesforce', environment: 'production', setup });
    await call('POST', '/connector_profiles', { provider: 'salesforce', environment: 'sandbox', setup });
    await call('POST', '/connector_profiles', {
      provider: 'salesforce',
      environment: 'sandbox',
      label: 'Acme test org',
      setup,
    });
    const s = await createSession(server, { provider: 'salesforce' }, keyB);
    const names = (await hub(server, s.token)('GET', '/hub/connectors')).json.integrations
      .map((i: { name: string }) => i.name)
      .sort();
    expect(names).toEqual(['Acme test org', 'Salesforce (Production)', 'Salesforce (Sandbox)']);
    // A connector with one environment keeps its plain name.
    const o = await createSession(server, { provider: 'oneflow' }, keyB);
    expect(
      (await hub(server, o.token)('GET', '/hub/connectors')).json.integrations.map(
        (i: { name: string }) => i.name,
      ),
    ).toEqual(['Oneflow']);
  });
});
