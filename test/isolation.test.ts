import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from './helpers/server.js';
import { createProfiles, createSession, hub, ONEFLOW_EMAIL, ONEFLOW_TOKEN } from './helpers/linking.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

/**
 * Two projects on one server. Everything of project B, reached with project A's key or A's
 * session token, is 404/401 — and nothing of B shows up in A's lists, logs or webhooks.
 */
let server: TestServer;
let fakes: SeedFakes;
let shipped: ShippedWorld;
let receiverA: Receiver;
let receiverB: Receiver;
let keyB: string;
const b = { profile: '', webhook: '', token: '', account: '', attempt: '', log: '', delivery: '' };
type Key = keyof typeof b;

beforeAll(async () => {
  shipped = await startShippedWorld();
  fakes = shipped.fakes;
  // The connectors run as shipped; the projects' webhook receivers are on loopback, so the
  // private-network switch is on for them.
  server = await startShippedServer(shipped, { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' });
  receiverA = await startReceiver();
  receiverB = await startReceiver();
  await createProfiles(server, fakes); // project A's profiles (registers the fake OAuth apps too)
  await api(server)('POST', '/webhooks', { url: receiverA.url, events: ['*'] });

  const project = await createProject(server.app.deps.db, 'B');
  keyB = generateApiKey();
  await addApiKey(server.app.deps.db, project.projectId, keyB);
  const callB = api(server, keyB);
  b.profile = (
    await callB('POST', '/connector_profiles', {
      provider: 'oneflow',
    })
  ).json.id;
  b.webhook = (await callB('POST', '/webhooks', { url: receiverB.url, events: ['*'] })).json.id;
  const session = await callB('POST', '/connect_sessions', {
    origin_owner_id: 'b-owner',
    origin_owner_name: 'B Owner',
  });
  b.token = session.json.token;
  b.account = (
    await hub(server, b.token)('POST', '/hub/accounts', {
      integration_id: b.profile,
      credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
    })
  ).json.id;
  b.attempt = (await hub(server, b.token)('POST', '/hub/connection_attempts', { token: b.token })).json.id;
  // A request log of B's.
  await callB('POST', '/unified/proxy', { method: 'get', path: '/contracts' }, { 'x-account-id': b.account });
  b.log =
    (await callB('GET', '/requests/logs')).json.data[0]?.request_id ??
    (await callB('GET', '/requests/logs')).json.data[0]?.id;
  for (let i = 0; i < 100 && receiverB.received.length === 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  const deliveries = (await callB('GET', `/webhooks/${b.webhook}/deliveries`)).json;
  b.delivery = deliveries[0].id;
});
afterAll(async () => {
  await server?.close();
  await shipped?.close();
  await receiverA?.close();
  await receiverB?.close();
});

describe('project A cannot reach project B', () => {
  it("has B's objects set up", () => {
    for (const k of Object.keys(b) as Key[]) expect(b[k], k).toBeTruthy();
  });

  it("every platform operation on B's objects with A's key is 404", async () => {
    const a = api(server);
    const cases: Array<[string, string, unknown?, Record<string, string>?]> = [
      ['GET', `/accounts/${b.account}`],
      ['PATCH', `/accounts/${b.account}`, { origin_owner_name: 'x' }],
      ['DELETE', `/accounts/${b.account}`],
      ['GET', `/accounts/${b.account}/meta`],
      ['POST', `/accounts/${b.account}/suspend`],
      ['POST', `/accounts/${b.account}/resume`],
      ['GET', `/connector_profiles/${b.profile}`],
      ['PATCH', `/connector_profiles/${b.profile}`, { label: 'x' }],
      ['DELETE', `/connector_profiles/${b.profile}`],
      ['GET', `/webhooks/${b.webhook}`],
      ['PATCH', `/webhooks/${b.webhook}`, { active: false }],
      ['DELETE', `/webhooks/${b.webhook}`],
      ['POST', `/webhooks/${b.webhook}/rotate_secret`],
      ['GET', `/webhooks/${b.webhook}/deliveries`],
      ['POST', `/webhooks/${b.webhook}/deliveries/${b.delivery}/redeliver`],
      ['POST', '/unified/proxy', { method: 'get', path: '/contracts' }, { 'x-account-id': b.account }],
      ['GET', `/proxy/${b.account}/contracts`],
      [
        'POST',
        '/actions/rpc',
        { action: 'oneflow_list_contracts', body: {}, headers: {}, path: {}, query: {} },
        { 'x-account-id': b.account },
      ],
      [
        'POST',
        '/mcp',
        { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
        { 'x-account-id': b.account, accept: 'application/json, text/event-stream' },
      ],
      ['GET', `/requests/logs/${b.log}`],
    ];
    for (const [method, path, body, headers] of cases) {
      const res = await a(method, path, body, headers ?? {});
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json?.statusCode, `${method} ${path}`).toBe(404);
    }
    const authB = await api(server, `sbk_${'x'.repeat(43)}`)('GET', `/accounts/${b.account}`);
    expect(authB.status).toBe(401);
    const session = await api(server)('POST', '/connect_sessions/authenticate', { token: b.token });
    expect(session.status).toBe(404);
    // B's things are all still there and unchanged.
    const mine = await api(server, keyB)('GET', `/accounts/${b.account}`);
    expect(mine.json).toMatchObject({ status: 'active', origin_owner_name: 'B Owner' });
    expect((await api(server, keyB)('GET', `/webhooks/${b.webhook}`)).json.active).toBe(true);
  });

  it("nothing of B appears in A's lists and logs", async () => {
    const a = api(server);
    const everything = JSON.stringify([
      (await a('GET', '/accounts?page_size=1000')).json,
      (await a('GET', '/connector_profiles')).json,
      (await a('GET', '/webhooks')).json,
      (await a('GET', '/requests/logs?page_size=100')).json,
      (await a('GET', '/actions')).json,
    ]);
    for (const k of ['profile', 'webhook', 'account', 'log'] as Key[]) {
      const at = everything.indexOf(b[k]);
      expect(at, `${k} found in: ${everything.slice(Math.max(0, at - 300), at + 100)}`).toBe(-1);
    }
    expect(everything.includes('b-owner')).toBe(false);
  });

  it("A's session token cannot see or use B's profile, account or attempt", async () => {
    const sA = await createSession(server, { origin_owner_id: 'b-owner' }); // same owner id, other project
    const h = hub(server, sA.token);
    expect((await h('GET', `/hub/connectors/${b.profile}`)).status).toBe(404);
    expect((await h('GET', `/hub/accounts/${b.account}`)).status).toBe(404);
    expect(
      (
        await h('PATCH', `/hub/accounts/${b.account}`, {
          integration_id: b.profile,
          credentials: { user_email: 'x@example.com' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await h('POST', '/hub/accounts', {
          integration_id: b.profile,
          credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
        })
      ).status,
    ).toBe(404);
    expect((await h('GET', `/hub/connection_attempts/${b.attempt}`)).status).toBe(404);
    expect((await h('DELETE', `/hub/connection_attempts/${b.attempt}`)).status).toBe(404);
    expect(
      (await h('GET', '/hub/connectors')).json.integrations.map(
        (i: { integration_id: string }) => i.integration_id,
      ),
    ).not.toContain(b.profile);
    expect((await h('GET', '/hub/settings')).json.existing_account_id).toBeUndefined();
  });

  it("B's events go only to B's endpoints", async () => {
    await new Promise((r) => setTimeout(r, 300));
    expect(receiverB.received.some((r) => r.json.account_id === b.account)).toBe(true);
    expect(
      receiverA.received.some(
        (r) => r.json.account_id === b.account || r.json.project_id !== server.app.boot.project.projectId,
      ),
    ).toBe(false);
  });
});
