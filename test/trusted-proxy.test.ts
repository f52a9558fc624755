// Security review H1: behind a reverse proxy every client shares the proxy's address. 30 bad
// requests a minute locked everyone out (valid keys, Hub tokens and sign-ins got 429), and
// /metrics ("loopback only") was open to the internet through a proxy on the same host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { createSession } from './helpers/linking.js';
import { waitFor } from './helpers/wait.js';

/** A reverse proxy on loopback, like nginx on the same host: it appends the client address it was told. */
async function reverseProxy(backend: string) {
  const server = http.createServer((req, res) => {
    const client = String(req.headers['x-test-client'] ?? '203.0.113.1');
    const headers: http.OutgoingHttpHeaders = { ...req.headers, 'x-forwarded-for': client };
    delete headers['x-test-client'];
    const up = http.request(new URL(req.url!, backend), { method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function via(
  proxy: string,
  path: string,
  client: string,
  headers: Record<string, string> = {},
  body?: unknown,
) {
  const res = await fetch(proxy + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'x-test-client': client,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function guess(proxy: string, client: string, n = 31) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++)
    statuses.push(
      await via(proxy, '/accounts', client, { authorization: basic(`sbk_wrong_${i}_${'x'.repeat(20)}`) }),
    );
  for (let i = 0; i < n; i++)
    statuses.push(
      await via(proxy, '/hub/settings', client, { 'x-hub-session-token': `${'x'.repeat(43)}${i}` }),
    );
  return statuses;
}

describe('behind a reverse proxy that is not trusted (the default)', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof reverseProxy>>;
  beforeAll(async () => {
    server = await startTestServer({}, { workers: false });
    proxy = await reverseProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it("an attacker's failures are slowed, but never lock out another client with valid credentials", async () => {
    const statuses = await guess(proxy.url, '203.0.113.66');
    expect(statuses).toContain(429);
    const session = await createSession(server);
    // Another client behind the same proxy: its valid key, Hub token and sign-in all work.
    expect(await via(proxy.url, '/accounts', '198.51.100.7', { authorization: basic(server.apiKey) })).toBe(
      200,
    );
    expect(
      await via(proxy.url, '/hub/settings', '198.51.100.7', { 'x-hub-session-token': session.token }),
    ).toBe(200);
    expect(
      await via(proxy.url, '/dashboard/api/session', '198.51.100.7', {}, { api_key: server.apiKey }),
    ).toBe(201);
  });

  it('/metrics is refused through the proxy, though the proxy connects from loopback', async () => {
    expect(await via(proxy.url, '/metrics', '203.0.113.66')).toBe(401);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});

describe('behind a trusted reverse proxy (SWITCHBOARD_TRUST_PROXY=127.0.0.1/32)', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof reverseProxy>>;
  beforeAll(async () => {
    server = await startTestServer({ SWITCHBOARD_TRUST_PROXY: '127.0.0.1/32' }, { workers: false });
    proxy = await reverseProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it("limits each real client on its own: the attacker gets 429, another client's mistake is a plain 401", async () => {
    const statuses = await guess(proxy.url, '203.0.113.66');
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(31)).toContain(429);
    expect(
      await via(proxy.url, '/accounts', '198.51.100.8', {
        authorization: basic('sbk_typo_xxxxxxxxxxxxxxxxxxxxxxxx'),
      }),
    ).toBe(401);
    expect(await via(proxy.url, '/accounts', '198.51.100.8', { authorization: basic(server.apiKey) })).toBe(
      200,
    );
  });

  it('/metrics judges the real client: an internet client is refused, a loopback client through the proxy is not', async () => {
    expect(await via(proxy.url, '/metrics', '203.0.113.66')).toBe(401);
    expect(await via(proxy.url, '/metrics', '127.0.0.1')).toBe(200);
  });

  it('platform logs record the real client address', async () => {
    expect(await via(proxy.url, '/accounts', '198.51.100.42', { authorization: basic(server.apiKey) })).toBe(
      200,
    );
    const logged = async () =>
      (await server.app.deps.db.query("SELECT 1 FROM platform_logs WHERE source_ip = '198.51.100.42'"))
        .rowCount ?? 0;
    await waitFor(async () => (await logged()) > 0, 10_000);
  });

  it('a forged X-Forwarded-For from a client that is not a trusted proxy is ignored', async () => {
    // Straight to the server (the socket is 127.0.0.1, trusted): one hop back is what the proxy said.
    // From an untrusted socket address the header is not believed: use a second loopback address.
    const { Agent, fetch: undiciFetch } = await import('undici');
    const other = new Agent({ localAddress: '127.0.0.2' });
    const res = await undiciFetch(`${server.url}/metrics`, {
      headers: { 'x-forwarded-for': '127.0.0.1' },
      dispatcher: other,
    });
    expect(res.status).toBe(401);
  });
});
