import { loadConnectors } from '../src/connectors/loader.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import { link } from './helpers/world.js';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { hashToken } from '../src/core/ids.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { WEB_DIST } from '../src/http/routes/web.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { z } from 'zod';
import { expectWire } from './helpers/contract.js';
import { errorBody } from '../src/contract/common.js';
import { accountPage } from '../src/contract/accounts.js';
import { connectSessionWithToken } from '../src/contract/connect-sessions.js';
import { dashboardSession } from '../src/contract/dashboard.js';
import { accountEvent } from '../src/contract/webhooks.js';

let server: TestServer;
let profiles: Profiles;

// An account's webhook endpoint here is a company receiver on loopback: the private-network
// switch is on for it (the connectors still run as shipped).
const world = useWorld({ env: { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' } });
beforeAll(async () => {
  ({ server, profiles } = world);
});

interface Signed {
  cookie: string;
  value: string;
  csrf: string;
  setCookie: string;
}

async function signIn(key = server.apiKey, base = server.url): Promise<Signed> {
  const res = await fetch(`${base}/dashboard/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: key }),
  });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('set-cookie')!;
  const [pair] = setCookie.split(';');
  const body = (await res.json()) as { csrf_token: string };
  return { cookie: pair!, value: pair!.split('=')[1]!, csrf: body.csrf_token, setCookie };
}

/** A request as the dashboard makes it: the session cookie, and the CSRF header when given. */
async function asDashboard(
  s: Signed,
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(server.url + p, {
    method,
    headers: {
      cookie: s.cookie,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

const oneflowAccount = (owner: string) =>
  link({ server, profiles }, 'oneflow', owner, { ownerName: `Name ${owner}` });

async function eventsOf(accountId: string) {
  const { rows } = await server.app.deps.db.query<{ type: string }>(
    'SELECT type FROM events WHERE account_id = $1 ORDER BY seq',
    [accountId],
  );
  return rows.map((r) => r.type);
}

describe('dashboard sign-in session', () => {
  it('refuses a wrong API key and creates no session', async () => {
    const res = await fetch(`${server.url}/dashboard/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: 'sbk_wrong' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await res.json()).message).toBe('That API key is not valid for this server');
    const empty = await fetch(`${server.url}/dashboard/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
  });

  it('sets an httpOnly SameSite=Strict cookie and stores only the SHA-256 of its value', async () => {
    const s = await signIn();
    expect(s.setCookie).toMatch(
      /^sb_session=sbs_[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    expect(s.setCookie).not.toMatch(/Secure/);
    const { rows } = await server.app.deps.db.query<{ id_hash: Buffer }>(
      'SELECT id_hash FROM admin_sessions',
    );
    expect(rows.map((r) => r.id_hash.toString('hex'))).toContain(hashToken(s.value).toString('hex'));
    const dump = JSON.stringify((await server.app.deps.db.query('SELECT * FROM admin_sessions')).rows);
    expect(dump).not.toContain(s.value);
    const me = await asDashboard(s, 'GET', '/dashboard/api/session');
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.json).toEqual({
      project_id: server.app.boot.project.projectId,
      csrf_token: s.csrf,
      expires_at: expect.any(String),
      public_url: server.app.deps.settings.publicUrl(),
      request_logs: true,
    });
  });

  it('lets the cookie read the platform API, and needs the CSRF token for changes', async () => {
    const s = await signIn();
    expect((await asDashboard(s, 'GET', '/accounts')).status).toBe(200);
    const body = { origin_owner_id: 'csrf-1', origin_owner_name: 'CSRF' };
    const missing = await asDashboard(s, 'POST', '/connect_sessions', body);
    expect(missing.status).toBe(403);
    expect(missing.json).toMatchObject({
      statusCode: 403,
      message: 'Missing or invalid x-csrf-token header',
    });
    const other = await signIn();
    const wrong = await asDashboard(s, 'POST', '/connect_sessions', body, { 'x-csrf-token': other.csrf });
    expect(wrong.status).toBe(403);
    const ok = await asDashboard(s, 'POST', '/connect_sessions', body, { 'x-csrf-token': s.csrf });
    expect(ok.status).toBe(201);
    expectWire(connectSessionWithToken, ok.json);
    expectWire(errorBody, missing.json);
    expectWire(dashboardSession, (await asDashboard(s, 'GET', '/dashboard/api/session')).json);
    expect(
      (
        await server.app.deps.db.query(
          "SELECT count(*)::int AS n FROM connect_sessions WHERE origin_owner_id = 'csrf-1'",
        )
      ).rows[0].n,
    ).toBe(1);
  });

  it('leaves API-key behaviour unchanged: an Authorization header decides, whatever the cookie', async () => {
    const s = await signIn();
    const bad = await asDashboard(s, 'GET', '/accounts', undefined, {
      authorization: `Basic ${Buffer.from('sbk_nope:').toString('base64')}`,
    });
    expect(bad.status).toBe(401);
    expect(bad.json.message).toBe('Invalid API key');
    // The SDK's empty cookie header and no credentials: the same 401 as before.
    const none = await fetch(`${server.url}/accounts`, { headers: { cookie: '' } });
    expect(none.status).toBe(401);
    expect((await none.json()).message).toMatch(/^Missing credentials/);
    // An API-key call needs no CSRF token.
    expect(
      (await api(server)('POST', '/connect_sessions', { origin_owner_id: 'k', origin_owner_name: 'K' }))
        .status,
    ).toBe(201);
  });

  it('signs out: the cookie is cleared and the session id stops working', async () => {
    const s = await signIn();
    expect((await asDashboard(s, 'DELETE', '/dashboard/api/session')).status).toBe(403);
    const out = await asDashboard(s, 'DELETE', '/dashboard/api/session', undefined, {
      'x-csrf-token': s.csrf,
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(
      /^sb_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/,
    );
    expect((await asDashboard(s, 'GET', '/accounts')).status).toBe(401);
    expect((await asDashboard(s, 'GET', '/dashboard/api/session')).status).toBe(401);
  });

  it('ends sessions that expired or whose API key was revoked', async () => {
    const expired = await signIn();
    await server.app.deps.db.query(
      "UPDATE admin_sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1",
      [hashToken(expired.value)],
    );
    const res = await asDashboard(expired, 'GET', '/accounts');
    expect(res.status).toBe(401);
    expect(res.json.message).toBe('Your dashboard session has ended: sign in again');

    const key = 'sbk_revocable_key_for_dashboard_test';
    await server.app.deps.db.query(
      "INSERT INTO api_keys (id, project_id, key_hash, hint) VALUES ('key_rev', $1, $2, '…test')",
      [server.app.boot.project.projectId, hashToken(key)],
    );
    const s = await signIn(key);
    expect((await asDashboard(s, 'GET', '/accounts')).status).toBe(200);
    await server.app.deps.db.query("UPDATE api_keys SET revoked_at = now() WHERE id = 'key_rev'");
    expect((await asDashboard(s, 'GET', '/accounts')).status).toBe(401);
  });

  it('slows down API key guessing at sign-in: 429 with Retry-After after 30 failures; the right key still signs in', async () => {
    const own = await startTestServer();
    try {
      const attempt = (key: string) =>
        fetch(`${own.url}/dashboard/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ api_key: key }),
        });
      for (let i = 0; i < 30; i++) expect((await attempt(`sbk_guess_${i}`)).status).toBe(401);
      const blocked = await attempt('sbk_guess_31');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await blocked.json()).message).toBe('Too many failed authentication attempts: try again later');
      // An admin behind the same address (a shared proxy) is never locked out.
      expect((await attempt(own.apiKey)).status).toBe(201);
    } finally {
      await own.close();
    }
  });

  it('marks the cookie Secure and __Host- when the public URL is https', async () => {
    const https = await startTestServer({ SWITCHBOARD_PUBLIC_URL: 'https://switchboard.example.com' });
    try {
      const s = await signIn(https.apiKey, https.url);
      expect(s.setCookie).toMatch(
        /^__Host-sb_session=sbs_[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/,
      );
      // The plain name is not read on an https server.
      const plain = await fetch(`${https.url}/accounts`, { headers: { cookie: `sb_session=${s.value}` } });
      expect(plain.status).toBe(401);
      const ok = await fetch(`${https.url}/accounts`, { headers: { cookie: s.cookie } });
      expect(ok.status).toBe(200);
    } finally {
      await https.close();
    }
  });
});

describe('dashboard page and read models', () => {
  it('serves the page at /dashboard and its client routes, never framed, scripts from self only', async () => {
    for (const p of ['/dashboard', '/dashboard/accounts', '/dashboard/connectors/salesforce/new']) {
      const res = await fetch(server.url + p);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toMatch(
        /script-src 'self';.*frame-ancestors 'none'/,
      );
      expect(await res.text()).toMatch(
        /<script type="module" crossorigin src="\/web\/assets\/dashboard-[\w-]+\.js">/,
      );
    }
    const unknown = await fetch(`${server.url}/dashboard/api/nothing`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toBe('Route GET /dashboard/api/nothing not found');
    expect((await fetch(`${server.url}/dashboard/api/connectors`)).status).toBe(401);
  });

  it("describes connectors with setup fields, scope rules and the guide with this server's callback URL", async () => {
    const res = await api(server)('GET', '/dashboard/api/connectors/salesforce');
    expect(res.status).toBe(200);
    const callback = `${server.app.deps.settings.publicUrl()}/connect/oauth2/salesforce/callback`;
    expect(res.json).toMatchObject({
      provider: 'salesforce',
      logo_url: '/connectors/logos/salesforce',
      auth_type: 'oauth2',
      client_from: 'setup',
      environments: [
        { key: 'production', label: 'Production' },
        { key: 'sandbox', label: 'Sandbox' },
      ],
      scopes: {
        from: 'setup',
        field: 'scopes',
        default: 'api refresh_token offline_access',
        require_one_of: ['refresh_token', 'offline_access'],
      },
      pkce: { supported: true, default: true },
      callback_url: callback,
    });
    expect(res.json.setup_fields.map((f: { key: string; secret: boolean }) => [f.key, f.secret])).toEqual([
      ['client_id', false],
      ['client_secret', true],
      ['scopes', false],
    ]);
    expect(res.json.guide.setup_steps.join('\n')).toContain(`set the Callback URL to ${callback}.`);
    expect(res.json.guide.setup_steps.join('\n')).not.toContain('{callback_url}');
    const list = await api(server)('GET', '/dashboard/api/connectors');
    expect(list.json.map((c: { provider: string }) => c.provider).sort()).toEqual(
      (await loadConnectors())
        .list()
        .map((c) => c.key)
        .sort(),
    );
    expect(list.json.find((c: { provider: string }) => c.provider === 'oneflow').callback_url).toBeNull();
  });

  it('searches accounts with filters, a total and numbered pages', async () => {
    const deps = server.app.deps;
    const projectId = server.app.boot.project.projectId;
    for (let i = 0; i < 7; i++) {
      const a = await insertAccount(deps, deps.db, {
        projectId,
        connectorProfileId: profiles.oneflow,
        provider: 'oneflow',
        originOwnerId: `search-${i}`,
        originOwnerName: i % 2 ? 'Acme 100%' : 'Globex',
        originUsername: `user${i}@example.com`,
      });
      // Distinct creation times: inserts within one millisecond would tie.
      await deps.db.query('UPDATE accounts SET created_at = $2 WHERE id = $1', [
        a.id,
        new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      ]);
    }
    const page1 = await api(server)('GET', '/dashboard/api/accounts?q=search-&page_size=3');
    expect(page1.json).toMatchObject({ total: 7, page: 1, page_size: 3 });
    expectWire(accountPage, page1.json);
    expect(page1.json.data.map((a: { origin_owner_id: string }) => a.origin_owner_id)).toEqual([
      'search-6',
      'search-5',
      'search-4',
    ]);
    const page3 = await api(server)('GET', '/dashboard/api/accounts?q=search-&page_size=3&page=3');
    expect(page3.json.data.map((a: { origin_owner_id: string }) => a.origin_owner_id)).toEqual(['search-0']);
    const past = await api(server)('GET', '/dashboard/api/accounts?q=search-&page_size=3&page=9');
    expect(past.json).toMatchObject({ data: [], total: 7 });
    // `%` is a literal character, not a wildcard.
    expect(
      (await api(server)('GET', `/dashboard/api/accounts?q=${encodeURIComponent('100%')}`)).json.total,
    ).toBe(3);
    expect(
      (await api(server)('GET', '/dashboard/api/accounts?q=USER4@EXAMPLE')).json.data.map(
        (a: { origin_owner_id: string }) => a.origin_owner_id,
      ),
    ).toEqual(['search-4']);
    expect((await api(server)('GET', '/dashboard/api/accounts?origin_owner_id=search-2')).json.total).toBe(1);
    expect(
      (await api(server)('GET', '/dashboard/api/accounts?q=search-&provider=salesforce')).json.total,
    ).toBe(0);
    expect((await api(server)('GET', '/dashboard/api/accounts?status=paused')).status).toBe(400);
  });
});

describe('suspend and resume', () => {
  it('suspends and resumes with account.updated in the same transaction; a suspended account cannot be called', async () => {
    const id = await oneflowAccount('suspend-1');
    const suspended = await api(server)('POST', `/accounts/${id}/suspend`);
    expect(suspended.status).toBe(200);
    expect(suspended.json).toMatchObject({
      id,
      status: 'inactive',
      status_reasons: [
        { code: 'suspended', description: 'Suspended by a project admin', timestamp: expect.any(String) },
      ],
    });
    expect(await eventsOf(id)).toEqual(['account.created', 'account.updated']);
    // Suspending again changes nothing and emits nothing.
    expect((await api(server)('POST', `/accounts/${id}/suspend`)).json.status).toBe('inactive');
    expect(await eventsOf(id)).toEqual(['account.created', 'account.updated']);
    const call = await api(server)(
      'POST',
      '/unified/proxy',
      { method: 'get', path: '/ping' },
      { 'x-account-id': id },
    );
    expect(call.status).toBe(409);
    expect(call.json.message).toBe('This account is suspended');

    const resumed = await api(server)('POST', `/accounts/${id}/resume`);
    expect(resumed.json).toMatchObject({ status: 'active', status_reasons: [] });
    expect(await eventsOf(id)).toEqual(['account.created', 'account.updated', 'account.updated']);
    const { rows } = await server.app.deps.db.query(
      'SELECT payload FROM events WHERE account_id = $1 ORDER BY seq DESC LIMIT 1',
      [id],
    );
    expect(rows[0].payload.data.status).toBe('active');
    expect((await api(server)('POST', '/accounts/acc_unknown/suspend')).status).toBe(404);
  });

  it('refuses to resume an account in error, and restores the error after a suspension', async () => {
    const id = await oneflowAccount('suspend-2');
    const reason = {
      code: 'refresh_failed',
      description: 'The refresh token was revoked',
      timestamp: new Date().toISOString(),
    };
    await server.app.deps.db.query(
      "UPDATE accounts SET status = 'error', status_reasons = $2 WHERE id = $1",
      [id, JSON.stringify([reason])],
    );
    const refused = await api(server)('POST', `/accounts/${id}/resume`);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toMatch(/send a re-connect link/);
    expect((await api(server)('POST', `/accounts/${id}/suspend`)).json.status).toBe('inactive');
    expect((await api(server)('POST', `/accounts/${id}/resume`)).json).toMatchObject({
      status: 'error',
      status_reasons: [reason],
    });
  });

  it("lists an account's webhook events with their deliveries", async () => {
    const id = await oneflowAccount('events-1');
    const endpoint = await api(server)('POST', '/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['account.updated'],
    });
    try {
      await api(server)('POST', `/accounts/${id}/suspend`);
      const res = await api(server)('GET', `/dashboard/api/accounts/${id}/events`);
      expect(res.status).toBe(200);
      expect(res.json.data.map((e: { event: string }) => e.event)).toEqual([
        'account.updated',
        'account.created',
      ]);
      expect(res.json.data[0].deliveries).toEqual([
        expect.objectContaining({
          endpoint_id: endpoint.json.id,
          url: 'http://127.0.0.1:9/hooks',
          status: expect.any(String),
        }),
      ]);
      expect(res.json.data[1].deliveries).toEqual([]);
      expectWire(z.strictObject({ data: z.array(accountEvent) }), res.json);
      expect((await api(server)('GET', '/dashboard/api/accounts/acc_nope/events')).status).toBe(404);
    } finally {
      await api(server)('DELETE', `/webhooks/${endpoint.json.id}`);
    }
  });
});

describe('project isolation', () => {
  it("a session of another project sees none of this project's accounts, events or actions", async () => {
    const id = await oneflowAccount('isolated-1');
    const other = await createProject(server.app.deps.db, 'Other');
    const key = generateApiKey();
    await addApiKey(server.app.deps.db, other.projectId, key);
    const s = await signIn(key);
    expect((await asDashboard(s, 'GET', '/dashboard/api/session')).json.project_id).toBe(other.projectId);
    expect((await asDashboard(s, 'GET', '/dashboard/api/accounts')).json).toMatchObject({
      data: [],
      total: 0,
    });
    expect((await asDashboard(s, 'GET', `/dashboard/api/accounts/${id}/events`)).status).toBe(404);
    expect(
      (await asDashboard(s, 'POST', `/accounts/${id}/suspend`, undefined, { 'x-csrf-token': s.csrf })).status,
    ).toBe(404);
    expect((await api(server)('GET', `/accounts/${id}`)).json.status).toBe('active');
  });
});

describe('dashboard size budget', () => {
  /** The dashboard stays small: at most 40 KB of gzipped JS+CSS. */
  const BUDGET = 40 * 1024;
  it('ships at most 40 KB gzipped JS+CSS', async () => {
    const html = await fs.readFile(path.join(WEB_DIST, 'dashboard/index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/web\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.filter((a) => a.endsWith('.js'))).toHaveLength(1);
    expect(assets.filter((a) => a.endsWith('.css'))).toHaveLength(1);
    let total = 0;
    for (const a of assets) total += gzipSync(await fs.readFile(path.join(WEB_DIST, a)), { level: 9 }).length;
    console.log(`dashboard: ${assets.length} assets, ${total} bytes gzipped JS+CSS (budget ${BUDGET})`);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });
});
