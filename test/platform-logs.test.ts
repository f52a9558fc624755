import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import {
  StackoneListPlatformLogsQueryParamOrderBy,
  StackoneListPlatformLogsQueryParamOrderDirection,
  StackoneListPlatformLogsQueryParamRequestLogsOrderBy,
} from '@stackone/stackone-client-ts/sdk/models/operations/index.js';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createProfiles } from './helpers/linking.js';
import { linkOneflow } from './helpers/link-accounts.js';
import { waitFor } from './helpers/wait.js';
import { createProject } from '../src/core/projects/projects.js';
import { housekeeping } from '../src/jobs/housekeeping.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { createPlatformLogWriter, type PlatformLog } from '../src/core/logs/platform-logs/writer.js';
import { createPool } from '../src/store/db.js';
import { expectWire } from './helpers/contract.js';
import { errorBody } from '../src/contract/common.js';
import { platformLogPage } from '../src/contract/logs.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

interface WireLog {
  id: string;
  request_id: string;
  project_id: string;
  account_id: string | null;
  category: string;
  action: string;
  resource: string | null;
  http_method: string;
  path: string;
  url: string;
  status: number;
  success: boolean;
  duration: number;
  source_type: string;
  start_time: string;
  end_time: string;
  event_datetime: string;
}

let server: TestServer;
let fakes: SeedFakes;
let shipped: ShippedWorld;
let account: string;

beforeAll(async () => {
  shipped = await startShippedWorld();
  fakes = shipped.fakes;
  // The connectors run as shipped; the webhook endpoints here are on loopback, so the
  // private-network switch is on for them.
  server = await startShippedServer(shipped, { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' }, { workers: false });
  const profiles = await createProfiles(server, fakes);
  account = await linkOneflow(server, profiles);
});
afterAll(async () => {
  await server?.close();
  await shipped?.close();
});

/** A platform call with its own `x-request-id`, so its log entry can be found. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  opts: { key?: string; headers?: Record<string, string> } = {},
) {
  const requestId = `pl-${randomBytes(6).toString('hex')}`;
  const res = await api(server, opts.key)(method, path, body, { 'x-request-id': requestId, ...opts.headers });
  expect(res.headers.get('x-request-id')).toBe(requestId);
  return { ...res, requestId };
}

const list = (query = '', key?: string) => api(server, key)('GET', `/requests/platform-logs${query}`);

async function entries(query: string, key?: string): Promise<WireLog[]> {
  const res = await list(query, key);
  expect(res.status, res.text).toBe(200);
  return res.json.data;
}

const entriesFor = (requestIds: string[], key?: string) =>
  entries(`?page_size=100&request_ids=${requestIds.join(',')}`, key);

describe('what platform logs record', () => {
  it('records a platform call: category, action, account, status, duration, no query values', async () => {
    const res = await call('GET', `/accounts/${account}`);
    expect(res.status).toBe(200);
    const [entry, ...rest] = await entriesFor([res.requestId]);
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      id: expect.stringMatching(/^plog_/),
      request_id: res.requestId,
      project_id: server.app.boot.project.projectId,
      account_id: account,
      category: 'accounts',
      action: 'get_account',
      resource: 'accounts',
      sub_resource: null,
      child_resource: null,
      http_method: 'GET',
      path: `/accounts/${account}`,
      url: `/accounts/${account}`,
      status: 200,
      success: true,
      duration: expect.any(Number),
      source_id: null,
      source_ip: '127.0.0.1',
      source_type: 'api',
      source_value: null,
      start_time: ISO,
      end_time: ISO,
      event_datetime: entry!.start_time,
    });
    expect(entry!.duration).toBeGreaterThan(0);
    expect(entry!.duration).toBeLessThan(5_000);
    expect(expectWire(platformLogPage, (await list(`?request_ids=${res.requestId}`)).json).data).toHaveLength(
      1,
    );
    // Start and end are a duration apart (to the millisecond the ISO strings keep).
    expect(
      Math.abs(Date.parse(entry!.end_time) - Date.parse(entry!.start_time) - entry!.duration),
    ).toBeLessThanOrEqual(1);
  });

  it('names every kind of platform call by its category and action', async () => {
    const calls: Array<[string, string, unknown, string, string, number, string | null]> = [
      [
        'POST',
        '/connect_sessions',
        { origin_owner_id: 'pl-owner', origin_owner_name: 'PL Owner' },
        'connect_sessions',
        'create_connect_session',
        201,
        null,
      ],
      ['GET', '/accounts?page_size=5', undefined, 'accounts', 'list_linked_accounts', 200, null],
      ['GET', `/accounts/${account}/meta`, undefined, 'accounts', 'get_account_meta_info', 200, account],
      [
        'PATCH',
        `/accounts/${account}`,
        { origin_owner_name: 'Renamed Owner' },
        'accounts',
        'update_account',
        200,
        account,
      ],
      ['GET', '/connectors/meta/oneflow', undefined, 'connectors', 'get_connector_meta', 200, null],
      ['GET', '/connector_profiles', undefined, 'connector_profiles', 'list_connector_profiles', 200, null],
      // Answered by the GET route: logged once, under its name, with the method used.
      ['HEAD', '/connector_profiles', undefined, 'connector_profiles', 'list_connector_profiles', 200, null],
      [
        'POST',
        '/webhooks',
        { url: 'http://127.0.0.1:9/hook', events: ['*'] },
        'webhooks',
        'create_webhook',
        201,
        null,
      ],
      ['GET', '/actions', undefined, 'actions', 'list_actions_meta', 200, null],
      ['GET', '/requests/logs', undefined, 'request_logs', 'list_logs', 200, null],
    ];
    const made: Array<{ requestId: string; expected: unknown }> = [];
    for (const [method, path, body, category, action, status, accountId] of calls) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
      made.push({
        requestId: res.requestId,
        expected: {
          request_id: res.requestId,
          category,
          action,
          http_method: method,
          path: path.split('?')[0],
          status,
          success: true,
          account_id: accountId,
        },
      });
    }
    const logged = await entriesFor(made.map((m) => m.requestId));
    const byRequest = new Map(logged.map((l) => [l.request_id, l]));
    for (const m of made) expect(byRequest.get(m.requestId)).toMatchObject(m.expected as object);
    expect(logged).toHaveLength(made.length);
  });

  it('leaves out provider calls (proxy, raw passthrough, actions/rpc, MCP): request logs have those', async () => {
    const onAccount = { headers: { 'x-account-id': account } };
    const proxy = await call('POST', '/unified/proxy', { path: '/contracts' }, onAccount);
    const raw = await call('GET', `/proxy/${account}/contracts`);
    const rpc = await call('POST', '/actions/rpc', { action: 'oneflow_list_contracts' }, onAccount);
    const mcp = await call(
      'POST',
      '/mcp',
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { headers: { ...onAccount.headers, accept: 'application/json, text/event-stream' } },
    );
    const mcpDelete = await call('DELETE', '/mcp', undefined, onAccount);
    expect([proxy.status, raw.status, rpc.status, mcpDelete.status]).toEqual([200, 200, 200, 200]);
    expect(mcp.status).toBeLessThan(500);
    const ids = [proxy, raw, rpc, mcp, mcpDelete].map((r) => r.requestId);
    expect(await entriesFor(ids)).toEqual([]);
    const requestLogs = await api(server)('GET', `/requests/logs?page_size=100&request_ids=${ids.join(',')}`);
    expect(requestLogs.json.data.map((l: { request_id: string }) => l.request_id).sort()).toEqual(
      [proxy, raw, rpc].map((r) => r.requestId).sort(),
    );
  });

  it('records failed calls with success=false, and nothing for calls without a valid API key', async () => {
    const unknown = await call('GET', '/accounts/acc_does_not_exist');
    const badBody = await call('POST', '/connect_sessions', { origin_owner_id: 'x' });
    const badJson = await call('POST', '/webhooks', '{"url":', {
      headers: { 'content-type': 'application/json' },
    });
    const badFilter = await call('GET', '/requests/platform-logs?order_by=size');
    expect([unknown.status, badBody.status, badJson.status, badFilter.status]).toEqual([404, 400, 400, 400]);
    const wrongKey = await call('GET', '/accounts', undefined, { key: 'sbk_not_a_key' });
    const noKey = await fetch(`${server.url}/accounts`, { headers: { 'x-request-id': 'pl-no-key' } });
    expect([wrongKey.status, noKey.status]).toEqual([401, 401]);

    const logged = await entriesFor(
      [unknown, badBody, badJson, badFilter, wrongKey].map((r) => r.requestId).concat('pl-no-key'),
    );
    const summary = Object.fromEntries(
      logged.map((l) => [l.request_id, [l.category, l.action, l.status, l.success, l.account_id]]),
    );
    expect(summary).toEqual({
      [unknown.requestId]: ['accounts', 'get_account', 404, false, 'acc_does_not_exist'],
      [badBody.requestId]: ['connect_sessions', 'create_connect_session', 400, false, null],
      [badJson.requestId]: ['webhooks', 'create_webhook', 400, false, null],
      [badFilter.requestId]: ['request_logs', 'list_platform_logs', 400, false, null],
    });
    const failures = await entries('?success=false&page_size=100');
    expect(failures.every((l) => !l.success && l.status >= 400)).toBe(true);
    expect(failures.map((l) => l.request_id)).toEqual(
      expect.arrayContaining([unknown.requestId, badBody.requestId, badJson.requestId]),
    );
    const notFound = await entries(`?status_codes=404&request_ids=${unknown.requestId},${badBody.requestId}`);
    expect(notFound.map((l) => l.request_id)).toEqual([unknown.requestId]);
  });

  it('never stores query values: only the names of the parameters', async () => {
    const token = `sbk_${randomBytes(24).toString('base64url')}`;
    const res = await call('GET', `/connectors/meta?include=${token}&access_token=${token}`);
    expect(res.status).toBe(200);
    const [entry] = await entriesFor([res.requestId]);
    expect(entry).toMatchObject({
      path: '/connectors/meta',
      url: '/connectors/meta?include=…&access_token=…',
      action: 'list_connectors_meta',
    });
    // The listing call carries the value too, in a filter: its own entry keeps only the names.
    const searched = await call('GET', `/requests/platform-logs?request_ids=${token}`);
    expect(searched.json.data).toEqual([]);
    const all = await list('?page_size=100');
    expect(all.json.data.find((l: WireLog) => l.request_id === searched.requestId)).toMatchObject({
      url: '/requests/platform-logs?request_ids=…',
    });
    expect(all.text).not.toContain(token);
    const stored = await server.app.deps.db.query('SELECT * FROM platform_logs');
    expect(JSON.stringify(stored.rows)).not.toContain(token);
    expect(JSON.stringify(stored.rows)).not.toContain(server.apiKey);
  });

  it('tells dashboard calls (session cookie) from API-key calls', async () => {
    const signIn = await fetch(`${server.url}/dashboard/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: server.apiKey }),
    });
    expect(signIn.status).toBe(201);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${server.url}/accounts`, {
      headers: { cookie, 'x-request-id': 'pl-dashboard' },
    });
    expect(res.status).toBe(200);
    expect(await entries('?source_types=dashboard')).toEqual([
      expect.objectContaining({
        request_id: 'pl-dashboard',
        source_type: 'dashboard',
        action: 'list_linked_accounts',
      }),
    ]);
    expect((await entries('?source_types=api&page_size=100')).every((l) => l.source_type === 'api')).toBe(
      true,
    );
  });
});

describe('GET /requests/platform-logs', () => {
  it("filters by the contract's keys", async () => {
    // A few milliseconds of margin: times are kept to the millisecond (a start is its end minus the duration).
    const before = new Date(Date.now() - 5).toISOString();
    const created = await call('POST', '/webhooks', { url: 'http://127.0.0.1:9/filters', events: ['*'] });
    const got = await call('GET', `/webhooks/${created.json.id}`);
    const after = new Date(Date.now() + 5).toISOString();
    const ids = `request_ids=${created.requestId},${got.requestId}`;

    expect((await entries(`?${ids}&http_methods=post`)).map((l) => l.request_id)).toEqual([
      created.requestId,
    ]);
    expect((await entries(`?${ids}&actions=get_webhook,list_webhooks`)).map((l) => l.request_id)).toEqual([
      got.requestId,
    ]);
    expect((await entries(`?${ids}&categories=webhooks&resources=webhooks`)).length).toBe(2);
    expect(await entries(`?${ids}&categories=accounts`)).toEqual([]);
    expect(
      (await entries(`?start_date=${before}&end_date=${after}&categories=webhooks`)).map((l) => l.request_id),
    ).toEqual([got.requestId, created.requestId]);
    expect(await entries(`?${ids}&start_date=${after}`)).toEqual([]);
    expect(await entries(`?${ids}&end_date=${before}`)).toEqual([]);
    expect((await entries(`?${ids}&success=true&status_codes=201,200`)).length).toBe(2);
    // Entries have no source id or value: asking for one matches nothing.
    expect(await entries(`?${ids}&source_ids=src_1`)).toEqual([]);
    expect(await entries(`?${ids}&source_values=x`)).toEqual([]);

    const forAccount = await entries(`?account_ids=${account}&page_size=100`);
    expect(forAccount.length).toBeGreaterThanOrEqual(3);
    expect(forAccount.every((l) => l.account_id === account && l.category === 'accounts')).toBe(true);
  });

  it('orders and pages with next', async () => {
    // Accounts entries only: listing calls add entries of their own (category request_logs) as we go.
    const all = await entries('?categories=accounts&page_size=100');
    expect(all.length).toBeGreaterThanOrEqual(5);
    const times = all.map((l) => l.event_datetime);
    expect(times).toEqual([...times].sort().reverse());

    const pages: WireLog[] = [];
    let next: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res = await list(`?categories=accounts&page_size=2${next ? `&next=${next}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(...res.json.data);
      next = res.json.next;
      if (!next) break;
    }
    expect(pages.map((l) => l.id)).toEqual(all.map((l) => l.id));

    const byStatus = await entries('?categories=accounts&order_by=status&order_direction=asc&page_size=100');
    const statuses = byStatus.map((l) => l.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
    expect(statuses[statuses.length - 1]).toBe(404);
    const byDuration = await entries(
      '?categories=accounts&order_by=duration&order_direction=desc&page_size=100',
    );
    const durations = byDuration.map((l) => l.duration);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    // The SDK may send order_by twice (its filter's copy first): the last one wins.
    expect(
      (await entries('?categories=accounts&order_by=duration&order_by=eventDatetime&page_size=100')).map(
        (l) => l.id,
      ),
    ).toEqual(all.map((l) => l.id));
    // Request-log orders that mean nothing here keep the default order.
    expect((await entries('?categories=accounts&order_by=provider&page_size=100')).map((l) => l.id)).toEqual(
      all.map((l) => l.id),
    );
    expect(
      (await entries('?categories=accounts&order_direction=asc&page_size=100')).map((l) => l.id),
    ).toEqual(all.map((l) => l.id).reverse());
  });

  it('answers bad filters with a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['order_by=size', 'order_by'],
      ['order_direction=up', 'order_direction'],
      ['page_size=0', 'page_size'],
      ['page_size=101', 'page_size'],
      ['start_date=yesterday', 'start_date'],
      ['end_date=2024-01-01', 'end_date'],
      ['success=maybe', 'success'],
      ['status_codes=abc', 'status_codes'],
      ['next=not-a-cursor', 'next'],
    ];
    for (const [query, field] of cases) {
      const res = await list(`?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.json, query).toMatchObject({
        statusCode: 400,
        message: expect.stringContaining(field),
        timestamp: ISO,
      });
      expectWire(errorBody, res.json);
    }
  });

  it('shows a project only its own calls', async () => {
    const project = await createProject(server.app.deps.db, 'Other');
    const keyB = generateApiKey();
    await addApiKey(server.app.deps.db, project.projectId, keyB);
    const listB = await call('GET', '/accounts', undefined, { key: keyB });
    const probeA = await call('GET', `/accounts/${account}`, undefined, { key: keyB });
    expect([listB.status, probeA.status]).toEqual([200, 404]);

    const seenByB = await entries('?page_size=100', keyB);
    expect(seenByB.map((l) => l.request_id).sort()).toEqual([listB.requestId, probeA.requestId].sort());
    expect(seenByB.every((l) => l.project_id === project.projectId)).toBe(true);
    const seenByA = await entries('?page_size=100');
    expect(seenByA.some((l) => l.project_id !== server.app.boot.project.projectId)).toBe(false);
    expect(await entriesFor([listB.requestId, probeA.requestId])).toEqual([]);
  });

  it('is read by the official SDK (listPlatformLogs with flattened filters)', async () => {
    const sdk = new StackOne({
      serverURL: server.url,
      security: { username: server.apiKey, password: '' },
      retryConfig: { strategy: 'none' },
      timeoutMs: 10_000,
    });
    const res = await sdk.requestLogs.listPlatformLogs({
      filter: {
        categories: 'accounts',
        sourceTypes: 'api',
        success: true,
        startDate: new Date(Date.now() - 3_600_000),
        orderBy: StackoneListPlatformLogsQueryParamRequestLogsOrderBy.Duration,
      },
      orderBy: StackoneListPlatformLogsQueryParamOrderBy.EventDatetime,
      orderDirection: StackoneListPlatformLogsQueryParamOrderDirection.Desc,
      pageSize: 2,
    });
    expect(res.statusCode).toBe(200);
    const page = res.platformLogsPaginated!;
    expect(page.data).toHaveLength(2);
    for (const log of page.data) {
      expect(log).toMatchObject({
        category: 'accounts',
        success: true,
        projectId: server.app.boot.project.projectId,
        sourceType: 'api',
        httpMethod: expect.any(String),
      });
      expect(log.startTime).toBeInstanceOf(Date);
      expect(log.eventDatetime).toBeInstanceOf(Date);
      expect(typeof log.status).toBe('number');
      expect(typeof log.duration).toBe('number');
    }
    expect(page.data[0]!.eventDatetime!.getTime()).toBeGreaterThanOrEqual(
      page.data[1]!.eventDatetime!.getTime(),
    );
    expect(page.next).toEqual(expect.any(String));
    const second = await sdk.requestLogs.listPlatformLogs({
      filter: { categories: 'accounts', sourceTypes: 'api', success: true },
      next: page.next!,
      pageSize: 2,
    });
    expect(second.platformLogsPaginated!.data.map((l) => l.requestId)).not.toContain(page.data[0]!.requestId);

    const byAccount = await sdk.requestLogs.listPlatformLogs({
      filter: { accountIds: account, httpMethods: 'PATCH' },
    });
    expect(byAccount.platformLogsPaginated!.data).toEqual([
      expect.objectContaining({ accountId: account, action: 'update_account', status: 200 }),
    ]);
    const bad = await sdk.requestLogs
      .listPlatformLogs({ filter: { statusCodes: 'abc' } })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(errors.BadRequestResponse);
  });
});

describe('writing platform logs', () => {
  it('never holds up a call: the API answers while the log table is locked, and the rows follow', async () => {
    const lock = await server.app.deps.db.connect();
    const made: string[] = [];
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE platform_logs IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      for (let i = 0; i < 3; i++) {
        const res = await call('GET', `/accounts/${account}`);
        expect(res.status).toBe(200);
        made.push(res.requestId);
        // Past the batch interval: the writer is now blocked on the lock.
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
    expect((await entriesFor(made)).map((l) => l.request_id).sort()).toEqual([...made].sort());
  });

  /** A writer on the server's database with its own logger, to read its warnings. */
  function writerWithLog(opts: Parameters<typeof createPlatformLogWriter>[1]) {
    const warnings: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    return { writer: createPlatformLogWriter({ ...server.app.deps, log }, opts), warnings };
  }

  const testEntry = (id: string, extra: Partial<PlatformLog> = {}): PlatformLog => ({
    id,
    requestId: id,
    projectId: server.app.boot.project.projectId,
    accountId: null,
    category: 'accounts',
    action: 'list_linked_accounts',
    resource: 'accounts',
    subResource: null,
    httpMethod: 'GET',
    path: '/accounts',
    url: '/accounts',
    status: 200,
    durationMs: 1.25,
    sourceIp: '127.0.0.1',
    sourceType: 'api',
    startTime: new Date(),
    endTime: new Date(),
    ...extra,
  });
  const countLike = async (prefix: string) =>
    (
      await server.app.deps.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM platform_logs WHERE id LIKE $1',
        [`${prefix}%`],
      )
    ).rows[0]!.n;

  it('writes in batches within the interval, without being asked to flush', async () => {
    const { writer } = writerWithLog({ batchSize: 3, intervalMs: 30 });
    for (let i = 0; i < 7; i++) writer.record(testEntry(`plog_batch_${i}`));
    await waitFor(async () => (await countLike('plog_batch_')) === 7, 5_000);
    await writer.close();
  });

  it('drops a batch the database refuses, with a warning, and goes on', async () => {
    const { writer, warnings } = writerWithLog({});
    // Control characters from a request are stripped, not a reason to fail the batch.
    writer.record(testEntry('plog_ok_1', { path: '/accounts/\u0000x', accountId: 'acc_\u0000' }));
    await writer.flush();
    // A status PostgreSQL cannot store as an integer fails its statement.
    writer.record(testEntry('plog_bad_1', { status: 200.5 }));
    await expect(writer.flush()).resolves.toBeUndefined();
    writer.record(testEntry('plog_ok_2'));
    await writer.close();
    expect(warnings.map((w) => w.msg)).toEqual(['platform log write failed: entries dropped']);
    const rows = await server.app.deps.db.query<{ id: string; path: string; account_id: string }>(
      "SELECT id, path, account_id FROM platform_logs WHERE id IN ('plog_ok_1', 'plog_ok_2', 'plog_bad_1') ORDER BY id",
    );
    expect(rows.rows).toEqual([
      { id: 'plog_ok_1', path: '/accounts/x', account_id: 'acc_' },
      { id: 'plog_ok_2', path: '/accounts', account_id: null },
    ]);
  });

  it('loses only the batch whose connection is cut mid-COPY, with a warning, and goes on', async () => {
    // The writer gets a pool of its own, named, so the cut below can only hit its COPY and never
    // the server's own log writer flushing into the same table meanwhile.
    const own = createPool(
      `${server.databaseUrl}${server.databaseUrl.includes('?') ? '&' : '?'}application_name=plog_cut_writer`,
    );
    const warnings: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const writer = createPlatformLogWriter({ ...server.app.deps, db: own, log }, {});
    const db = server.app.deps.db;
    const lock = await db.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE platform_logs IN ACCESS EXCLUSIVE MODE');
      writer.record(testEntry('plog_cut_1'));
      const flushed = writer.flush();
      // The COPY waits for the lock: end its connection from the server's side.
      await waitFor(async () => {
        const cut = await db.query<{ done: boolean }>(
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'plog_cut_writer' AND query LIKE 'COPY platform_logs%'`,
        );
        return cut.rows.some((r) => r.done);
      }, 5_000);
      await lock.query('ROLLBACK');
      await expect(flushed).resolves.toBeUndefined();
    } finally {
      lock.release();
    }
    writer.record(testEntry('plog_cut_2'));
    await writer.close();
    await own.end();
    expect(warnings.map((w) => w.msg)).toContain('platform log write failed: entries dropped');
    const rows = await db.query<{ id: string }>("SELECT id FROM platform_logs WHERE id LIKE 'plog_cut_%'");
    expect(rows.rows).toEqual([{ id: 'plog_cut_2' }]);
  });

  /** This server's `switchboard_log_entries_total` for platform logs, as /metrics shows it. */
  const entriesMetric = async (outcome: 'written' | 'dropped') => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`switchboard_log_entries_total{table="platform_logs",outcome="${outcome}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('keeps a bounded queue: entries past it are dropped and counted', async () => {
    const { writer, warnings } = writerWithLog({ maxQueue: 3, intervalMs: 10_000 });
    const [written, dropped] = [await entriesMetric('written'), await entriesMetric('dropped')];
    for (let i = 0; i < 5; i++) writer.record(testEntry(`plog_bound_${i}`));
    await writer.close();
    expect(await countLike('plog_bound_')).toBe(3);
    expect(warnings).toEqual([
      expect.objectContaining({ msg: 'platform log queue full: entries dropped', dropped: 2 }),
    ]);
    // Operators see it in /metrics (the server's own platform-log writer counts there too).
    expect(await entriesMetric('dropped')).toBe(dropped + 2);
    expect(await entriesMetric('written')).toBeGreaterThanOrEqual(written + 3);
    writer.record(testEntry('plog_bound_after_close'));
    await writer.flush();
    expect(await countLike('plog_bound_after')).toBe(0);
  });
});

describe('retention and deleted projects', () => {
  it("purges rows past the request-log retention, and a deleted project's rows", async () => {
    const own = await startTestServer({ SWITCHBOARD_REQUEST_LOG_RETENTION_DAYS: '7' }, { workers: false });
    try {
      const db = own.app.deps.db;
      const row = (id: string, daysAgo: number) =>
        db.query(
          `INSERT INTO platform_logs (id, request_id, project_id, category, action, http_method, path, url, status, success, duration_ms, source_type, start_time, end_time)
           VALUES ($1, $1, $2, 'accounts', 'list_linked_accounts', 'GET', '/accounts', '/accounts', 200, true, 1, 'api',
                   now() - make_interval(days => $3), now() - make_interval(days => $3))`,
          [id, own.app.boot.project.projectId, daysAgo],
        );
      await row('plog_old', 8);
      await row('plog_recent', 6);
      // Retention is the workers' housekeeping (this server runs none: the pass is called here).
      expect((await housekeeping(own.app.deps)).logsRemoved).toBe(1);
      const ids = (await api(own)('GET', '/requests/platform-logs?page_size=100')).json.data.map(
        (l: WireLog) => l.id,
      );
      expect(ids).toContain('plog_recent');
      expect(ids).not.toContain('plog_old');

      // Rows carry no foreign key (a check per row); deleting a project removes them all the same.
      const gone = await createProject(db, 'Gone');
      const key = generateApiKey();
      await addApiKey(db, gone.projectId, key);
      expect((await api(own, key)('GET', '/accounts')).status).toBe(200);
      expect((await api(own, key)('GET', '/requests/platform-logs')).json.data).toHaveLength(1);
      // A read flushes what is pending (the listing call above included) before the project goes.
      await api(own)('GET', '/requests/platform-logs');
      expect(
        (await db.query('SELECT 1 FROM platform_logs WHERE project_id = $1', [gone.projectId])).rowCount,
      ).toBe(2);
      await db.query('DELETE FROM projects WHERE id = $1', [gone.projectId]);
      const left = await db.query<{ project_id: string }>('SELECT DISTINCT project_id FROM platform_logs');
      expect(left.rows.map((r) => r.project_id)).toEqual([own.app.boot.project.projectId]);
    } finally {
      await own.close();
    }
  });
});
