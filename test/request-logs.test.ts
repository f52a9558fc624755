import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { api } from './helpers/server.js';
import { createProfiles, KUSTOMER_CLIENT, ONEFLOW_TOKEN } from './helpers/linking.js';
import { linkKustomer, linkOneflow, onAccount, setStatus } from './helpers/link-accounts.js';
import { openCredentials } from './helpers/accounts.js';
import { json, startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { hotCache } from '../src/core/provider-calls/hot-cache.js';
import { housekeeping } from '../src/jobs/housekeeping.js';
import { loadConfig } from '../src/config/config.js';
import { expectWire } from './helpers/contract.js';
import { requestLogPage, requestLogResult, stepLogPage } from '../src/contract/logs.js';
import { KUSTOMER_API, startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

let fakes: SeedFakes;
let shipped: ShippedWorld;
let up: ScriptedUpstream;
/** The scripted Oneflow API, at a name of its own. */
const SCRIPTED_ONEFLOW = 'https://api.oneflow-scripted.test';

beforeAll(async () => {
  up = await startUpstream();
  shipped = await startShippedWorld({
    routes: [{ hosts: [new URL(SCRIPTED_ONEFLOW).hostname], port: Number(new URL(up.url).port) }],
  });
  fakes = shipped.fakes;
});
afterAll(async () => {
  await shipped?.close();
  await up?.close();
});

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

async function setup(env: Record<string, string> = {}) {
  // The seed connectors run as shipped. One more Oneflow profile overrides its base URL on
  // purpose: a scripted upstream beside the working Oneflow at api.oneflow.com (one host name
  // cannot be two providers at once). The internet stand-in answers the upstream's own host
  // name, so the private-network switch stays off.
  const server = await startShippedServer(shipped, env, { workers: false });
  const profiles = await createProfiles(server, fakes);
  const scripted = await api(server)('POST', '/connector_profiles', {
    provider: 'oneflow',
    default: false,
    overrides: { base_url: `${SCRIPTED_ONEFLOW}/v1` },
  });
  const kustomer = await linkKustomer(server, profiles);
  const oneflow = await linkOneflow(server, profiles);
  const echo = await linkOneflow(server, profiles, 'echo-owner', scripted.json.id);
  return { server, kustomer, oneflow, echo };
}

describe('request logs (bodies off, the default)', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(async () => ctx?.server.close());

  it('records a proxy call with its provider step, secrets removed, no bodies', async () => {
    const { server, kustomer } = ctx;
    const res = await onAccount(server, kustomer)('POST', '/unified/proxy', {
      path: '/v1/customers?pageSize=1',
      headers: { 'x-trace': 't-1' },
    });
    const requestId = res.headers.get('x-request-id')!;
    const list = await api(server)('GET', `/requests/logs?request_ids=${requestId}`);
    expect(list.status).toBe(200);
    expect(list.json).toEqual({
      data: [
        {
          id: expect.stringMatching(/^log_/),
          request_id: requestId,
          project_id: server.app.boot.project.projectId,
          account_id: kustomer,
          provider: 'kustomer',
          service: 'proxy',
          action: null,
          resource: null,
          http_method: 'GET',
          path: '/v1/customers',
          url: `${KUSTOMER_API}/v1/customers?pageSize=1`,
          status: 200,
          duration: expect.any(Number),
          success: true,
          is_worker: false,
          source_ip: '127.0.0.1',
          source_type: 'api',
          start_time: ISO,
          end_time: ISO,
          event_datetime: ISO,
        },
      ],
      next: null,
    });
    const detail = await api(server)('GET', `/requests/logs/${requestId}`);
    expectWire(requestLogPage, list.json);
    expectWire(requestLogResult, detail.json);
    const log = detail.json.data;
    expect(log.request).toEqual({
      id: requestId,
      method: 'POST',
      url: { url: '/unified/proxy', path: '/unified/proxy' },
      headers: expect.objectContaining({ authorization: '[redacted]', 'x-account-id': kustomer }),
    });
    expect(log.response).toEqual({ status_code: 200 });
    expect(log.step_requests).toEqual([
      {
        id: expect.stringMatching(/^step_/),
        request_id: requestId,
        account_id: kustomer,
        project_id: server.app.boot.project.projectId,
        provider: 'kustomer',
        action: null,
        service: 'proxy',
        http_method: 'GET',
        path: '/v1/customers',
        url: `${KUSTOMER_API}/v1/customers?pageSize=1`,
        status: 200,
        duration: expect.any(Number),
        success: true,
        is_worker: false,
        start_time: ISO,
        end_time: ISO,
        source_ip: '127.0.0.1',
        request: { method: 'GET', headers: { 'x-trace': 't-1', authorization: '[redacted]' } },
        response: {
          status_code: 200,
          headers: expect.objectContaining({
            'content-type': 'application/json',
            'x-ratelimit-limit': '1000',
          }),
        },
      },
    ]);
    const stored = await server.app.deps.db.query('SELECT credentials, secrets FROM accounts WHERE id = $1', [
      kustomer,
    ]);
    const text = JSON.stringify(detail.json);
    for (const secret of [
      openCredentials(server, stored.rows[0].credentials).access_token!,
      KUSTOMER_CLIENT.clientSecret,
      server.apiKey,
    ])
      expect(text).not.toContain(secret);
  });

  it('records retries and failures; filters, orders and pages', async () => {
    const { server, oneflow, echo } = ctx;
    up.script.push(json(503, { error: 'busy' }), json(200, { ok: true }));
    const retried = await onAccount(server, echo)('POST', '/unified/proxy', { path: '/contracts' });
    const failed = await onAccount(server, oneflow)('POST', '/unified/proxy', { path: '/contracts/31337' });
    expect([retried.status, failed.status]).toEqual([200, 404]);
    const steps = await api(server)('GET', `/requests/logs/${retried.headers.get('x-request-id')}`);
    expect(steps.json.data.step_requests.map((s: { status: number }) => s.status)).toEqual([503, 200]);
    expect(steps.json.data.step_requests[0].request.headers).toEqual({
      'x-oneflow-api-token': '[redacted]',
      'x-oneflow-user-email': '[redacted]',
    });

    const failures = await api(server)('GET', '/requests/logs?success=false&providers=oneflow');
    expect(failures.json.data).toEqual([
      expect.objectContaining({
        request_id: failed.headers.get('x-request-id'),
        status: 404,
        success: false,
        path: '/v1/contracts/31337',
      }),
    ]);
    const detail = await api(server)('GET', `/requests/logs/${failures.json.data[0].id}`);
    expect(detail.json.data.response).toEqual({
      status_code: 404,
      error: 'Oneflow answered 404: Contract not found.',
      provider_errors: [{ status: 404, url: `${fakes.oneflow.urls.api.origin}/v1/contracts/31337` }],
    });
    expect(JSON.stringify(detail.json)).not.toContain(ONEFLOW_TOKEN);

    await setStatus(server, oneflow, 'inactive');
    await hotCache(server.app.deps).sync();
    const refused = await onAccount(server, oneflow)('POST', '/unified/proxy', { path: '/contracts' });
    expect(refused.status).toBe(409);
    await setStatus(server, oneflow, 'active');
    const conflict = await api(server)('GET', '/requests/logs?status_codes=409');
    expect(conflict.json.data).toEqual([
      expect.objectContaining({
        account_id: oneflow,
        provider: null,
        status: 409,
        success: false,
        path: null,
        url: null,
      }),
    ]);

    // An id the project does not own is not echoed into its logs.
    const stranger = await onAccount(server, 'acc_someone_elses')('POST', '/unified/proxy', {
      path: '/contracts',
    });
    const strangerLog = await api(server)('GET', `/requests/logs/${stranger.headers.get('x-request-id')}`);
    expect([stranger.status, strangerLog.json.data.account_id, strangerLog.json.data.status]).toEqual([
      404,
      null,
      404,
    ]);

    const page1 = await api(server)(
      'GET',
      '/requests/logs?page_size=2&order_by=eventDatetime&order_direction=asc',
    );
    const page2 = await api(server)(
      'GET',
      `/requests/logs?page_size=2&order_by=eventDatetime&order_direction=asc&next=${page1.json.next}`,
    );
    const all = await api(server)('GET', '/requests/logs?page_size=100&order_direction=asc');
    expect([...page1.json.data, ...page2.json.data].map((l: { id: string }) => l.id)).toEqual(
      all.json.data.slice(0, 4).map((l: { id: string }) => l.id),
    );
    const byDuration = await api(server)(
      'GET',
      '/requests/logs?order_by=duration&order_direction=desc&page_size=100',
    );
    const durations = byDuration.json.data.map((l: { duration: number }) => l.duration);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    const bad = await api(server)('GET', '/requests/logs?order_by=size');
    expect(bad.status).toBe(400);
  });

  it('reads through the official SDK (listLogs with flattened filters, getLog)', async () => {
    const { server, kustomer } = ctx;
    const sdk = new StackOne({
      serverURL: server.url,
      security: { username: server.apiKey, password: '' },
      retryConfig: { strategy: 'none' },
      timeoutMs: 10_000,
    });
    const list = await sdk.requestLogs.listLogs({
      filter: { accountIds: kustomer, success: true, startDate: new Date(Date.now() - 3_600_000) },
      pageSize: 5,
    });
    expect(list.unifiedLogsPaginated?.data?.length).toBeGreaterThan(0);
    const first = list.unifiedLogsPaginated!.data![0]!;
    expect(first).toMatchObject({ accountId: kustomer, provider: 'kustomer', success: true, status: 200 });
    const one = await sdk.requestLogs.getLog({ id: first.requestId! });
    expect(one.unifiedLogResult?.data).toMatchObject({ requestId: first.requestId, accountId: kustomer });
    const missing = await sdk.requestLogs.getLog({ id: 'nope' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(errors.NotFoundResponse);
  });
});

describe('request logs with bodies on, and retention', () => {
  it("stores bodies with the account's secrets cut out; drops rows past the retention", async () => {
    const ctx = await setup({
      SWITCHBOARD_REQUEST_LOG_BODIES: '1',
      SWITCHBOARD_REQUEST_LOG_RETENTION_DAYS: '7',
    });
    const { server, echo } = ctx;
    try {
      const db = server.app.deps.db;
      const row = (id: string, daysAgo: number) =>
        db.query(
          `INSERT INTO request_logs (id, request_id, project_id, service, http_method, status, success, duration_ms, source_type, start_time, end_time)
           VALUES ($1, $1, $2, 'proxy', 'GET', 200, true, 1, 'api', now() - make_interval(days => $3), now() - make_interval(days => $3))`,
          [id, server.app.boot.project.projectId, daysAgo],
        );
      await row('log_old', 8);
      await row('log_recent', 6);
      // A provider that echoes the token it was sent (some do, in error bodies).
      up.script.push((req, res) => {
        const body = JSON.stringify({
          you_sent: req.headers['x-oneflow-api-token'],
          got: JSON.parse(req.body),
        });
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          })
          .end(body);
      });
      // Rows go to PostgreSQL as COPY text: tabs, line breaks and backslashes must come back as sent.
      const tricky = 'tab\there "quoted" back\\slash \\N\nnew line\r\n é 😀';
      const res = await onAccount(server, echo)('POST', '/unified/proxy', {
        method: 'post',
        path: '/echo',
        body: { hello: 'world', tricky },
      });
      expect(res.status).toBe(200);
      expect(res.json.data.you_sent).toBe(ONEFLOW_TOKEN);
      const log = (await api(server)('GET', `/requests/logs/${res.headers.get('x-request-id')}`)).json.data;
      expect(log.request.body).toEqual({ method: 'post', path: '/echo', body: { hello: 'world', tricky } });
      expect(log.step_requests[0].request.body).toEqual({ hello: 'world', tricky });
      expect(log.step_requests[0].response.body).toEqual({
        you_sent: '[redacted]',
        got: { hello: 'world', tricky },
      });
      expect(log.response.body).toMatchObject({ status: 200, data: { you_sent: '[redacted]' } });
      expect(JSON.stringify(log)).not.toContain(ONEFLOW_TOKEN);

      // Retention is the workers' housekeeping (this server runs none: the pass is called here).
      expect((await housekeeping(server.app.deps)).logsRemoved).toBe(1);
      const ids = (await api(server)('GET', '/requests/logs?page_size=100')).json.data.map(
        (l: { id: string }) => l.id,
      );
      expect(ids).toContain('log_recent');
      expect(ids).not.toContain('log_old');

      // Logs carry no foreign key (a check per row); deleting a project removes its logs all the same.
      await db.query(
        `INSERT INTO projects (id, organization_id, name) SELECT 'prj_gone', organization_id, 'Gone' FROM projects WHERE id = $1`,
        [server.app.boot.project.projectId],
      );
      await db.query(
        `INSERT INTO request_logs (id, request_id, project_id, service, http_method, status, success, duration_ms, source_type, start_time, end_time)
         VALUES ('log_gone', 'log_gone', 'prj_gone', 'proxy', 'GET', 200, true, 1, 'api', now(), now())`,
      );
      await db.query(`DELETE FROM projects WHERE id = 'prj_gone'`);
      const left = await db.query<{ project_id: string }>(`SELECT DISTINCT project_id FROM request_logs`);
      expect(left.rows.map((r) => r.project_id)).toEqual([server.app.boot.project.projectId]);
    } finally {
      await server.close();
    }
  });
});

describe('step logs (GET /requests/logs/steps)', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(async () => ctx?.server.close());

  it('lists the provider requests of matching calls, through the official SDK too', async () => {
    const { server, oneflow } = ctx;
    const ok = await onAccount(server, oneflow)('POST', '/unified/proxy', { path: '/contracts?limit=2' });
    const missing = await onAccount(server, oneflow)('POST', '/unified/proxy', { path: '/contracts/999999' });
    expect(ok.status).toBe(200);
    expect(missing.status).toBe(404);
    const all = await api(server)('GET', `/requests/logs/steps?account_ids=${oneflow}`);
    expect(all.status).toBe(200);
    expect(all.json.data.map((s: { path: string; status: number }) => [s.path, s.status])).toEqual([
      ['/v1/contracts/999999', 404],
      ['/v1/contracts', 200],
    ]);
    expectWire(stepLogPage, all.json);
    const failed = await api(server)('GET', `/requests/logs/steps?account_ids=${oneflow}&success=false`);
    expect(failed.json.data.map((s: { status: number }) => s.status)).toEqual([404]);
    const sdk = new StackOne({
      serverURL: server.url,
      security: { username: server.apiKey, password: '' },
      retryConfig: { strategy: 'none' },
    });
    const viaSdk = await sdk.requestLogs.listStepLogs({
      filter: { accountIds: oneflow, statusCodes: '200' },
    });
    expect(viaSdk.stepLogsPaginated?.data.map((s) => s.status)).toEqual([200]);
  });
});

describe('request logs turned off', () => {
  it('records no calls with SWITCHBOARD_REQUEST_LOGS=off; platform logs go on', async () => {
    const ctx = await setup({ SWITCHBOARD_REQUEST_LOGS: 'off' });
    try {
      const res = await onAccount(ctx.server, ctx.oneflow)('POST', '/unified/proxy', {
        path: '/contracts?limit=2',
      });
      expect(res.status).toBe(200);
      const rpc = await onAccount(ctx.server, ctx.oneflow)('POST', '/actions/rpc', {
        action: 'oneflow_list_workspaces',
      });
      expect(rpc.status).toBe(200);
      expect((await api(ctx.server)('GET', '/requests/logs')).json).toEqual({ data: [], next: null });
      const stored = await ctx.server.app.deps.db.query('SELECT count(*)::int AS n FROM request_logs');
      expect(stored.rows[0].n).toBe(0);
      const platform = (await api(ctx.server)('GET', '/requests/platform-logs?categories=request_logs')).json
        .data;
      expect(platform.map((l: { action: string }) => l.action)).toContain('list_logs');
    } finally {
      await ctx.server.close();
    }
  });

  it('takes on/off (and 1/0, true/false), and refuses anything else', () => {
    const requestLogs = (v: string | undefined) =>
      loadConfig([], { SWITCHBOARD_REQUEST_LOGS: v }).requestLogs;
    expect([
      requestLogs(undefined),
      requestLogs('on'),
      requestLogs('OFF'),
      requestLogs('0'),
      requestLogs('true'),
    ]).toEqual([true, true, false, false, true]);
    expect(() => requestLogs('sometimes')).toThrow(/SWITCHBOARD_REQUEST_LOGS must be on or off/);
  });
});

describe('the providers', () => {
  it('saw no request that breaks their rules', () => {
    for (const fake of [fakes.kustomer, fakes.oneflow]) {
      expect(fake.problems).toEqual([]);
      expect(fake.unexpected).toEqual([]);
    }
  });
});
