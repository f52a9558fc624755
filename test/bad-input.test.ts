import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ SWITCHBOARD_BODY_LIMIT: String(64 * 1024) });
  call = api(server);
});
afterAll(async () => server?.close());

async function counts() {
  const { rows } = await server.app.deps.db.query<{ s: number; p: number; a: number }>(
    'SELECT (SELECT count(*) FROM connect_sessions) AS s, (SELECT count(*) FROM connector_profiles) AS p, (SELECT count(*) FROM accounts) AS a',
  );
  return rows[0]!;
}

function expectContractError(res: { status: number; headers: Headers; json: any }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.json.statusCode).toBe(status);
  expect(typeof res.json.message).toBe('string');
  expect(new Date(res.json.timestamp).toISOString()).toBe(res.json.timestamp);
}

describe('bad input is a 4xx in the contract shape and writes nothing', () => {
  const cases: Array<[string, string, string, unknown, number, RegExp?]> = [
    [
      'missing origin_owner_id',
      'POST',
      '/connect_sessions',
      { origin_owner_name: 'x' },
      400,
      /origin_owner_id/,
    ],
    [
      'wrong type',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 1, origin_owner_name: 'x' },
      400,
      /origin_owner_id/,
    ],
    [
      'blank owner',
      'POST',
      '/connect_sessions',
      { origin_owner_id: '  ', origin_owner_name: 'x' },
      400,
      /origin_owner_id/,
    ],
    [
      'unknown category',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 'o', origin_owner_name: 'x', categories: ['nope'] },
      400,
      /categories/,
    ],
    [
      'unknown provider',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 'o', origin_owner_name: 'x', provider: 'nope' },
      400,
      /provider/,
    ],
    [
      'expires_in too small',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 'o', origin_owner_name: 'x', expires_in: 1 },
      400,
      /expires_in/,
    ],
    [
      'expires_in not integer',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 'o', origin_owner_name: 'x', expires_in: 'soon' },
      400,
      /expires_in/,
    ],
    [
      'unknown account_id',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 'o', origin_owner_name: 'x', account_id: 'acc_nope' },
      404,
    ],
    ['array body', 'POST', '/connect_sessions', [1, 2], 400, /JSON object/],
    ['invalid JSON', 'POST', '/connect_sessions', '{"origin_owner_id":', 400, /not valid JSON/],
    ['empty JSON body', 'POST', '/connect_sessions', '', 400],
    [
      'huge string',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 'x'.repeat(10_000), origin_owner_name: 'x' },
      400,
      /origin_owner_id/,
    ],
    [
      'oversized body',
      'POST',
      '/connect_sessions',
      { origin_owner_id: 'o', origin_owner_name: 'x', label: 'y'.repeat(70 * 1024) },
      413,
    ],
    ['authenticate without token', 'POST', '/connect_sessions/authenticate', {}, 400, /token/],
    ['profile unknown provider', 'POST', '/connector_profiles', { provider: 'nope' }, 400, /provider/],
    [
      'profile bad environment',
      'POST',
      '/connector_profiles',
      { provider: 'salesforce', environment: 'staging', setup: { client_id: 'a', client_secret: 'b' } },
      400,
      /environment/,
    ],
    [
      'profile scopes without refresh',
      'POST',
      '/connector_profiles',
      { provider: 'salesforce', setup: { client_id: 'a', client_secret: 'b', scopes: 'api web' } },
      400,
      /setup\.scopes.*refresh_token or offline_access/,
    ],
    [
      'profile missing secret',
      'POST',
      '/connector_profiles',
      { provider: 'salesforce', setup: { client_id: 'a' } },
      400,
      /setup\.client_secret/,
    ],
    [
      'profile unknown setup field',
      'POST',
      '/connector_profiles',
      { provider: 'salesforce', setup: { client_id: 'a', client_secret: 'b', evil: 'x' } },
      400,
      /setup\.evil/,
    ],
    [
      'profile malformed URL',
      'POST',
      '/connector_profiles',
      { provider: 'oneflow', overrides: { base_url: 'not a url' } },
      400,
      /overrides\.base_url/,
    ],
    [
      'profile unknown field',
      'POST',
      '/connector_profiles',
      { provider: 'oneflow', colour: 'red' },
      400,
      /colour/,
    ],
    ['accounts bad page_size', 'GET', '/accounts?page_size=abc', undefined, 400, /page_size/],
    ['accounts page_size too large', 'GET', '/accounts?page_size=100000', undefined, 400, /page_size/],
    ['accounts bad status', 'GET', '/accounts?status=broken', undefined, 400, /status/],
    ['patch wrong type', 'PATCH', '/accounts/acc_x', { origin_owner_name: 42 }, 400, /origin_owner_name/],
    ['unknown route', 'GET', '/nope', undefined, 404],
  ];

  it.each(cases)('%s: %s %s', async (_name, method, path, body, status, message) => {
    const before = await counts();
    const res = await call(method, path, body);
    expectContractError(res, status);
    if (message) expect(res.json.message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const res = await fetch(`${server.url}/connect_sessions`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}`,
        'content-type': 'text/plain',
      },
      body: 'origin_owner_id=o',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { statusCode: number }).statusCode).toBe(415);
  });

  it('checks credentials before reading the body', async () => {
    const res = await fetch(`${server.url}/connect_sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{bad',
    });
    expect(res.status).toBe(401);
  });

  it('keeps private-network overrides out unless allowed', async () => {
    // Loopback, link-local and private addresses kept on purpose: they are what this test checks
    // the server refuses (the switch is off and nothing is called), not a provider it reaches.
    const strict = await startTestServer({ SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' });
    try {
      for (const url of [
        'http://127.0.0.1:9/x',
        'https://169.254.169.254/latest',
        'https://localhost/x',
        'https://10.0.0.8',
        'http://api.example.com',
      ]) {
        const res = await api(strict)('POST', '/connector_profiles', {
          provider: 'oneflow',
          overrides: { base_url: url },
        });
        expectContractError(res, 400);
        expect(res.json.message).toMatch(/overrides\.base_url/);
      }
      const ok = await api(strict)('POST', '/connector_profiles', {
        provider: 'oneflow',
        overrides: { base_url: 'https://oneflow.internal-proxy.example.com/v1' },
      });
      expect(ok.status).toBe(201);
    } finally {
      await strict.close();
    }
  });
});
