import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { Method } from '@stackone/stackone-client-ts/sdk/models/shared/index.js';
import { api, type TestServer } from './helpers/server.js';
import { createProfiles, ONEFLOW_EMAIL, ONEFLOW_TOKEN } from './helpers/linking.js';
import { linkKustomer, linkOneflow, linkSalesforce, onAccount, setStatus } from './helpers/link-accounts.js';
import { kustomerAccount, openCredentials } from './helpers/accounts.js';
import { json, startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { hotCache } from '../src/core/provider-calls/hot-cache.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

let server: TestServer;
let fakes: SeedFakes;
let shipped: ShippedWorld;
let up: ScriptedUpstream;
let profiles: Awaited<ReturnType<typeof createProfiles>>;
/** The scripted Oneflow and Kustomer APIs, at names of their own (one upstream answers both). */
const SCRIPTED_ONEFLOW = 'https://api.oneflow-scripted.test';
const SCRIPTED_KUSTOMER = 'https://api.kustomer-scripted.test';
const acc = { kustomer: '', salesforce: '', oneflow: '', scripted: '', scriptedOAuth: '' };

beforeAll(async () => {
  // The seed profiles run as shipped. The scripted profiles below override one URL on purpose: a
  // scripted upstream (5xx, redirects, binary bodies, silence) beside the working providers at
  // their real host names (one host name cannot be two providers at once). The internet stand-in
  // answers the upstream's own host names too, so the private-network switch stays off.
  up = await startUpstream();
  shipped = await startShippedWorld({
    routes: [
      {
        hosts: [new URL(SCRIPTED_ONEFLOW).hostname, new URL(SCRIPTED_KUSTOMER).hostname],
        port: Number(new URL(up.url).port),
      },
    ],
  });
  fakes = shipped.fakes;
  // Kustomer serves whichever listed customer a path names by its id.
  const getCustomer = fakes.kustomer.fixture.actions.kustomer_get_customer!;
  getCustomer.key = 'id';
  getCustomer.records = fakes.kustomer.fixture.actions.kustomer_list_customers!.records;
  server = await startShippedServer(shipped, {}, { workers: false });
  profiles = await createProfiles(server, fakes);
  acc.oneflow = await linkOneflow(server, profiles);
  acc.kustomer = await linkKustomer(server, profiles);
  acc.salesforce = await linkSalesforce(server, profiles);
  // A second Oneflow profile whose API is the scripted upstream (5xx, redirects, binary bodies…).
  const scripted = await api(server)('POST', '/connector_profiles', {
    provider: 'oneflow',
    default: false,
    overrides: { base_url: `${SCRIPTED_ONEFLOW}/v1` },
  });
  acc.scripted = await linkOneflow(server, profiles, 'scripted-owner', scripted.json.id);
  const scriptedK = await api(server)('POST', '/connector_profiles', {
    provider: 'kustomer',
    default: false,
    overrides: { base_url: SCRIPTED_KUSTOMER },
  });
  acc.scriptedOAuth = (
    await kustomerAccount(server, fakes, scriptedK.json.id, { owner: 'scripted-oauth' })
  ).id;
});
afterAll(async () => {
  await server?.close();
  await shipped?.close();
  await up?.close();
});

const sdk = () =>
  new StackOne({
    serverURL: server.url,
    security: { username: server.apiKey, password: '' },
    retryConfig: { strategy: 'none' },
    timeoutMs: 15_000,
  });
const last = <T>(xs: T[]) => xs[xs.length - 1]!;
const customers = () => fakes.kustomer.fixture.actions.kustomer_list_customers!.records;

describe("POST /unified/proxy injects each connector's credentials", () => {
  it('Kustomer: Bearer access token, URL from the org base (profile override), query kept', async () => {
    const before = fakes.kustomer.requests.length;
    const res = await onAccount(server, acc.kustomer)('POST', '/unified/proxy', {
      method: 'get',
      path: '/v1/customers?pageSize=2',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const seen = fakes.kustomer.requests.slice(before);
    expect(seen.map((r) => [r.method, r.host, r.path, r.query])).toEqual([
      ['GET', fakes.kustomer.urls.api.hostname, '/v1/customers', { pageSize: '2' }],
    ]);
    const token = seen[0]!.headers.authorization!.replace(/^Bearer /, '');
    expect(fakes.kustomer.isLiveAccessToken(token)).toBe(true);
    const stored = await server.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [
      acc.kustomer,
    ]);
    expect(openCredentials(server, stored.rows[0].credentials).access_token).toBe(token);
    expect(res.json).toEqual({
      status: 200,
      headers: expect.objectContaining({
        'content-type': 'application/json',
        'x-ratelimit-limit': '1000',
      }),
      data: {
        data: customers().slice(0, 2),
        links: { next: '/v1/customers?pageSize=2&page=2' },
      },
    });
  });

  it("Salesforce: Bearer token to the account's instance_url", async () => {
    const before = fakes.salesforce.requests.length;
    const soql = fakes.salesforce.fixture.actions.salesforce_soql_query!;
    const res = await onAccount(server, acc.salesforce)('POST', '/unified/proxy', {
      path: `/services/data/v60.0/query?q=${encodeURIComponent(String(soql.input.query))}`,
    });
    expect(res.status).toBe(200);
    const seen = fakes.salesforce.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect([seen[0]!.host, seen[0]!.path, seen[0]!.query]).toEqual([
      new URL(String(fakes.salesforce.fixture.token.fields.instance_url)).hostname,
      '/services/data/v60.0/query',
      { q: soql.input.query },
    ]);
    expect(fakes.salesforce.isLiveAccessToken(seen[0]!.headers.authorization!.replace(/^Bearer /, ''))).toBe(
      true,
    );
    expect(res.json.data).toEqual({
      records: soql.records.slice(0, soql.page_size),
      nextRecordsUrl: expect.stringMatching(/^\/services\/data\/v60\.0\/query[/?]/),
    });
    expect(res.json.headers['sforce-limit-info']).toMatch(/^api-usage=\d+\/15000$/);
  });

  it('Oneflow: the API token and user email headers, under the /v1 base', async () => {
    const before = fakes.oneflow.requests.length;
    const res = await onAccount(server, acc.oneflow)('POST', '/unified/proxy', {
      method: 'get',
      path: '/contracts?limit=2',
    });
    expect(res.status).toBe(200);
    const seen = fakes.oneflow.requests.slice(before);
    expect(seen.map((r) => [r.host, r.path, r.query])).toEqual([
      [fakes.oneflow.urls.api.hostname, '/v1/contracts', { limit: '2' }],
    ]);
    expect(seen[0]!.headers['x-oneflow-api-token']).toBe(ONEFLOW_TOKEN);
    expect(seen[0]!.headers['x-oneflow-user-email']).toBe(ONEFLOW_EMAIL);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    const contracts = fakes.oneflow.fixture.actions.oneflow_list_contracts!.records;
    expect(res.json.data).toEqual({
      _links: { next: { href: '/v1/contracts?limit=2&page=2' } },
      data: contracts.slice(0, 2),
    });
  });

  it('never lets the caller override credentials; other headers are forwarded', async () => {
    const before = fakes.oneflow.requests.length;
    const res = await onAccount(server, acc.oneflow)('POST', '/unified/proxy', {
      path: '/ping',
      headers: {
        Authorization: 'Bearer stolen',
        'X-Oneflow-Api-Token': 'x'.repeat(40),
        'x-oneflow-user-email': 'boss@example.com',
        cookie: 'sid=1',
        'x-trace': 'abc',
        host: 'evil.example',
      },
    });
    expect(res.status).toBe(200);
    const h = last(fakes.oneflow.requests.slice(before)).headers;
    expect(h['x-oneflow-api-token']).toBe(ONEFLOW_TOKEN);
    expect(h['x-oneflow-user-email']).toBe(ONEFLOW_EMAIL);
    expect(h.authorization).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(h.host).toBe(fakes.oneflow.urls.api.host);
    expect(h['x-trace']).toBe('abc');
    // Not our API key either (sent to us as Basic auth).
    expect(JSON.stringify(h)).not.toContain(server.apiKey);
  });

  it('accepts a url on a host the connector owns', async () => {
    const before = fakes.oneflow.requests.length;
    const res = await onAccount(server, acc.oneflow)('POST', '/unified/proxy', {
      url: `${fakes.oneflow.urls.api.origin}/v1/`,
      path: 'workspaces',
    });
    expect(res.status).toBe(200);
    const seen = last(fakes.oneflow.requests.slice(before));
    expect([seen.host, seen.path]).toEqual([fakes.oneflow.urls.api.hostname, '/v1/workspaces']);
    const workspaces = fakes.oneflow.fixture.actions.oneflow_list_workspaces!;
    expect(res.json.data.data).toEqual(workspaces.records.slice(0, workspaces.page_size));
  });
});

describe('bodies and statuses', () => {
  it('sends JSON and form bodies; 201 and 202 keep their status', async () => {
    up.script.push(json(201, { id: 7 }), json(202, { queued: true }));
    const call = onAccount(server, acc.scripted);
    const created = await call('POST', '/unified/proxy', {
      method: 'post',
      path: '/contracts',
      body: { name: 'NDA', parties: [1, 2] },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
      data: { id: 7 },
    });
    const sent = last(up.requests);
    expect([sent.method, sent.url, sent.headers['content-type'], JSON.parse(sent.body)]).toEqual([
      'POST',
      '/v1/contracts',
      'application/json',
      { name: 'NDA', parties: [1, 2] },
    ]);
    const queued = await call('POST', '/unified/proxy', {
      method: 'put',
      path: '/x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { a: '1', b: 'two words' },
    });
    expect(queued.status).toBe(202);
    expect(last(up.requests).body).toBe('a=1&b=two+words');
  });

  it('returns text as a string, binary as base64, and 204 as 200 with no data', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe]);
    up.script.push(
      (_r, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n'),
      (_r, res) =>
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) }).end(png),
      (_r, res) => res.writeHead(204).end(),
    );
    const call = onAccount(server, acc.scripted);
    const text = await call('POST', '/unified/proxy', { path: '/export.csv' });
    expect(text.json).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'text/csv' }),
      data: 'a,b\n1,2\n',
    });
    const image = await call('POST', '/unified/proxy', { path: '/logo.png' });
    expect(image.json).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'image/png' }),
      data: png.toString('base64'),
      encoding: 'base64',
    });
    const empty = await call('POST', '/unified/proxy', { method: 'delete', path: '/contracts/1' });
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ status: 204, headers: expect.any(Object), data: null });
  });

  it("wraps a provider error in the error envelope with the provider's evidence", async () => {
    const res = await onAccount(server, acc.oneflow)('POST', '/unified/proxy', { path: '/contracts/999999' });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      statusCode: 404,
      message: 'Oneflow answered 404: Contract not found.',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      code: 'PROVIDER_REJECTED',
      provider_errors: [
        {
          status: 404,
          url: `${fakes.oneflow.urls.api.origin}/v1/contracts/999999`,
          raw: {
            detail: 'Contract not found.',
            error_code: 'not_found',
            parameter_problems: {},
            status: 404,
            title: 'Not Found',
            info: null,
          },
          headers: expect.objectContaining({ 'content-type': 'application/json' }),
        },
      ],
      provider_response: 'Contract not found.',
    });
  });

  it('refuses bad input with 400s and unknown accounts with 404', async () => {
    const call = onAccount(server, acc.oneflow);
    const cases: Array<[unknown, string]> = [
      [{ method: 'trace', path: '/x' }, 'method must be one of get, post, put, delete, patch'],
      [{ path: '/x', verb: 'get' }, 'unknown field "verb"'],
      [{ method: 'get', path: '/x', body: { a: 1 } }, 'a GET request cannot have a body'],
      [
        { path: '/x', headers: { 'x-a': 'b\r\nx-injected: 1' } },
        'headers.x-a: line breaks are not allowed in header values',
      ],
      [{ path: '/x', headers: { 'bad header': '1' } }, 'headers: "bad header" is not a valid header name'],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', '/unified/proxy', body);
      expect({ status: res.status, message: res.json.message }).toEqual({ status: 400, message });
    }
    const missing = await api(server)('POST', '/unified/proxy', { path: '/x' });
    expect([missing.status, missing.json.message]).toEqual([
      400,
      'x-account-id header is required: the id of the linked account to act on',
    ]);
    const unknown = await onAccount(server, 'acc_nope')('POST', '/unified/proxy', { path: '/x' });
    expect([unknown.status, unknown.json.message]).toEqual([404, 'Account not found']);
    // Another project's key cannot reach this project's account.
    const other = await createProject(server.app.deps.db, 'Other');
    const key = generateApiKey();
    await addApiKey(server.app.deps.db, other.projectId, key);
    const foreign = await api(server, key)(
      'POST',
      '/unified/proxy',
      { path: '/contracts' },
      { 'x-account-id': acc.oneflow },
    );
    expect([foreign.status, foreign.json.message]).toEqual([404, 'Account not found']);
  });
});

describe('retries, refresh and lifetime', () => {
  it("honours a 429's Retry-After, then succeeds", async () => {
    const before = fakes.kustomer.requests.length;
    const id = (customers()[2] as { id: string }).id;
    fakes.kustomer.rateLimitNext(1);
    const res = await onAccount(server, acc.kustomer)('POST', '/unified/proxy', {
      path: `/v1/customers/${id}`,
    });
    expect(res.status).toBe(200);
    expect(res.json.data.data.id).toBe(id);
    expect(fakes.kustomer.requests.slice(before).map((r) => [r.path, r.status])).toEqual([
      [`/v1/customers/${id}`, 429],
      [`/v1/customers/${id}`, 200],
    ]);
  });

  it('passes a 429 on with its Retry-After when waiting would outlive the call', async () => {
    const before = fakes.oneflow.requests.length;
    fakes.oneflow.rateLimitNext(60);
    const res = await onAccount(server, acc.oneflow)('POST', '/unified/proxy', { path: '/contracts' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.json).toMatchObject({
      statusCode: 429,
      message: 'Oneflow answered 429: Request was throttled.',
    });
    expect(fakes.oneflow.requests.length - before).toBe(1);
  });

  it('a provider that resets the connection is retried for a GET, and a clean 502 for a POST', async () => {
    const reset = (_req: unknown, res: import('node:http').ServerResponse) => res.socket?.destroy();
    up.script.push(reset, json(200, { ok: 2 }));
    const res = await onAccount(server, acc.scripted)('POST', '/unified/proxy', { path: '/contracts' });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ ok: 2 });
    up.script.push(reset);
    const post = await onAccount(server, acc.scripted)('POST', '/unified/proxy', {
      method: 'post',
      path: '/contracts',
      body: { a: 1 },
    });
    expect(post.status).toBe(502);
    expect(post.json).toMatchObject({ statusCode: 502, message: expect.stringMatching(/Oneflow/) });
  });

  it('retries idempotent requests on 5xx with backoff; never a POST', async () => {
    up.script.push(json(503, { error: 'busy' }), json(502, { error: 'gateway' }), json(200, { ok: 1 }));
    const n = up.requests.length;
    const res = await onAccount(server, acc.scripted)('POST', '/unified/proxy', { path: '/contracts' });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ ok: 1 });
    expect(up.requests.length - n).toBe(3);

    up.script.push(json(500, { error: 'boom' }));
    const post = await onAccount(server, acc.scripted)('POST', '/unified/proxy', {
      method: 'post',
      path: '/contracts',
      body: { a: 1 },
    });
    expect(post.status).toBe(502);
    expect(post.json.message).toBe('Oneflow answered 500: HTTP 500');
    expect(up.requests.length - n).toBe(4);
  });

  it('a provider 401 refreshes the Kustomer token once and retries', async () => {
    fakes.kustomer.expireAccessTokens();
    const refreshes = fakes.kustomer.counts.refresh;
    const before = fakes.kustomer.requests.length;
    const res = await onAccount(server, acc.kustomer)('POST', '/unified/proxy', {
      path: '/v1/users/current',
    });
    expect(res.status).toBe(200);
    expect(res.json.data.data.id).toBe('usr_1');
    expect(fakes.kustomer.counts.refresh - refreshes).toBe(1);
    const seen = fakes.kustomer.requests.slice(before).filter((r) => r.path === '/v1/users/current');
    expect(seen.map((r) => r.status)).toEqual([401, 200]);
    expect(seen[0]!.headers.authorization).not.toBe(seen[1]!.headers.authorization);
    expect(fakes.kustomer.isLiveAccessToken(seen[1]!.headers.authorization!.slice(7))).toBe(true);
  });

  it('a Salesforce INVALID_SESSION_ID refreshes and retries; the next call uses the new token', async () => {
    fakes.salesforce.expireAccessTokens();
    const refreshes = fakes.salesforce.counts.refresh;
    const before = fakes.salesforce.requests.length;
    const account = fakes.salesforce.fixture.actions.salesforce_get_account!;
    const res = await onAccount(server, acc.salesforce)('POST', '/unified/proxy', {
      path: `/services/data/v60.0/sobjects/Account/${account.input.id}`,
    });
    expect(res.status).toBe(200);
    expect(res.json.data.Name).toBe((account.records[0] as { Name: string }).Name);
    expect(fakes.salesforce.counts.refresh - refreshes).toBe(1);
    const again = await onAccount(server, acc.salesforce)('POST', '/unified/proxy', {
      path: '/services/data/v60.0/',
    });
    expect(again.status).toBe(200);
    expect(fakes.salesforce.counts.refresh - refreshes).toBe(1);
    const api = fakes.salesforce.requests.slice(before).filter((r) => r.path.startsWith('/services/data/'));
    expect(api.map((r) => r.status)).toEqual([401, 200, 200]);
    expect(api[2]!.headers.authorization).toBe(api[1]!.headers.authorization);
  });

  it('a second 401 after the refresh is a 403 (the provider refuses the account), not a loop', async () => {
    up.script.push(
      json(401, { errors: [{ title: 'Unauthorized' }] }),
      json(401, { errors: [{ title: 'Unauthorized' }] }),
    );
    const n = up.requests.length;
    const refreshes = fakes.kustomer.counts.refresh;
    const res = await onAccount(server, acc.scriptedOAuth)('POST', '/unified/proxy', {
      path: '/v1/customers',
    });
    expect(res.status).toBe(403);
    expect(res.json.message).toBe("Kustomer refused the account's credentials: Unauthorized");
    expect(up.requests.length - n).toBe(2);
    expect(fakes.kustomer.counts.refresh - refreshes).toBe(1);
  });

  it("an API-key connector's 401 is not retried", async () => {
    up.script.push(json(401, { detail: 'Invalid API token' }));
    const n = up.requests.length;
    const res = await onAccount(server, acc.scripted)('POST', '/unified/proxy', { path: '/contracts' });
    expect([res.status, res.json.message]).toEqual([
      403,
      "Oneflow refused the account's credentials: Invalid API token",
    ]);
    expect(up.requests.length - n).toBe(1);
  });

  it('refuses suspended and errored accounts without calling the provider', async () => {
    const before = fakes.oneflow.requests.length;
    await setStatus(server, acc.oneflow, 'inactive');
    await hotCache(server.app.deps).sync();
    const suspended = await onAccount(server, acc.oneflow)('POST', '/unified/proxy', { path: '/contracts' });
    expect(suspended.status).toBe(409);
    expect(suspended.json).toEqual({
      statusCode: 409,
      message: 'This account is suspended',
      timestamp: expect.any(String),
      code: 'ACCOUNT_SUSPENDED',
    });
    await setStatus(server, acc.oneflow, 'error', 'The API token was revoked');
    await hotCache(server.app.deps).sync();
    const errored = await onAccount(server, acc.oneflow)('POST', '/unified/proxy', { path: '/contracts' });
    expect([errored.status, errored.json.code]).toEqual([409, 'ACCOUNT_NEEDS_RECONNECT']);
    expect(fakes.oneflow.requests.length).toBe(before);
    await setStatus(server, acc.oneflow, 'active');
    await hotCache(server.app.deps).sync();
    expect((await onAccount(server, acc.oneflow)('POST', '/unified/proxy', { path: '/ping' })).status).toBe(
      200,
    );
  });
});

describe('the official SDK: proxy.proxyRequest', () => {
  it('succeeds, and a provider 404 is a typed NotFoundResponse', async () => {
    const res = await sdk().proxy.proxyRequest({
      xAccountId: acc.kustomer,
      proxyRequestBody: { method: Method.Get, path: '/v1/conversations?pageSize=1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    const err = await sdk()
      .proxy.proxyRequest({
        xAccountId: acc.kustomer,
        proxyRequestBody: { path: '/v1/customers/60a0ffffffffffffffffffff' },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.NotFoundResponse);
    expect((err as errors.NotFoundResponse).message).toBe('Kustomer answered 404: Not Found');
    const suspended = await sdk()
      .proxy.proxyRequest({ xAccountId: 'acc_missing', proxyRequestBody: { path: '/' } })
      .catch((e: unknown) => e);
    expect(suspended).toBeInstanceOf(errors.NotFoundResponse);
  });
});

describe('raw passthrough: ANY /proxy/{account_id}/{path}', () => {
  it("streams the provider's own answer, with credentials injected and our API key kept back", async () => {
    const before = fakes.kustomer.requests.length;
    const res = await fetch(`${server.url}/proxy/${acc.kustomer}/v1/customers?pageSize=3`, {
      headers: { authorization: `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    const body = (await res.json()) as { data: unknown[] };
    const list = fakes.kustomer.fixture.actions.kustomer_list_customers!;
    expect(body.data).toEqual(list.records.slice(0, list.page_size));
    const seen = last(fakes.kustomer.requests.slice(before));
    expect(seen.headers.authorization).toMatch(/^Bearer /);
    expect(fakes.kustomer.isLiveAccessToken(seen.headers.authorization!.slice(7))).toBe(true);
    expect(JSON.stringify(seen.headers)).not.toContain(server.apiKey);
    expect(seen.query).toEqual({ pageSize: '3' });
  });

  it('passes provider errors through unchanged', async () => {
    const res = await fetch(`${server.url}/proxy/${acc.oneflow}/contracts/424242`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      detail: 'Contract not found.',
      error_code: 'not_found',
      parameter_problems: {},
      status: 404,
      title: 'Not Found',
      info: null,
    });
  });

  it('uploads and downloads bodies far beyond the buffered limits, byte for byte', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const upload = randomBytes(12 * 1024 * 1024);
    const res = await fetch(`${server.url}/proxy/${acc.scripted}/files`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/octet-stream' },
      body: upload,
    });
    expect(res.status).toBe(200);
    await res.text();
    const got = last(up.requests);
    expect([got.method, got.url, got.bodyBytes, got.bodySha256]).toEqual([
      'PUT',
      '/v1/files',
      upload.length,
      createHash('sha256').update(upload).digest('hex'),
    ]);
    expect(got.headers['x-oneflow-api-token']).toBe(ONEFLOW_TOKEN);

    const chunk = randomBytes(1024 * 1024);
    const big = (_r: unknown, out: import('node:http').ServerResponse) => {
      out.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 16; i++) out.write(chunk);
      out.end();
    };
    up.script.push(big, big);
    const down = await fetch(`${server.url}/proxy/${acc.scripted}/files/1`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    const bytes = Buffer.from(await down.arrayBuffer());
    expect([down.status, bytes.length]).toEqual([200, 16 * chunk.length]);
    expect(bytes.subarray(0, chunk.length).equals(chunk)).toBe(true);
    const buffered = await onAccount(server, acc.scripted)('POST', '/unified/proxy', { path: '/files/1' });
    expect([buffered.status, buffered.json.message]).toEqual([
      502,
      "Oneflow's response is larger than 10 MB: use the raw passthrough /proxy/{account_id}/{path}",
    ]);
  });

  it('needs the API key and a usable account', async () => {
    expect((await fetch(`${server.url}/proxy/${acc.kustomer}/v1/customers`)).status).toBe(401);
    const res = await fetch(`${server.url}/proxy/acc_missing/v1/customers`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect([res.status, ((await res.json()) as { message: string }).message]).toEqual([
      404,
      'Account not found',
    ]);
  });
});

describe('lifetime', () => {
  it('answers 408 when the provider does not answer within the lifetime', async () => {
    const short = await startShippedServer(
      shipped,
      { SWITCHBOARD_PROXY_LIFETIME_MS: '1500' },
      { workers: false },
    );
    try {
      const p = await createProfiles(short, fakes);
      const profile = await api(short)('POST', '/connector_profiles', {
        provider: 'oneflow',
        default: false,
        overrides: { base_url: `${SCRIPTED_ONEFLOW}/v1` },
      });
      const account = await linkOneflow(short, p, 'slow-owner', profile.json.id);
      up.script.push(() => undefined);
      const res = await onAccount(short, account)('POST', '/unified/proxy', { path: '/slow' });
      expect(res.status).toBe(408);
      expect(res.json).toMatchObject({ statusCode: 408, message: 'Oneflow did not answer within 2 s' });

      // Headers at once, then a body that trickles a byte every 200 ms, forever: the lifetime
      // bounds the whole answer, not just the wait for headers.
      let drip: NodeJS.Timeout | undefined;
      up.script.push((_req, r) => {
        r.writeHead(200, { 'content-type': 'application/json' });
        r.write('[');
        drip = setInterval(() => r.write(' '), 200);
        r.on('close', () => clearInterval(drip));
      });
      const trickle = await onAccount(short, account)('POST', '/unified/proxy', { path: '/trickle' });
      clearInterval(drip);
      expect(trickle.status).toBe(408);
    } finally {
      await short.close();
    }
  });
});

describe('the providers', () => {
  it('saw no request that breaks their rules, and only the unknown ids the tests asked for', () => {
    for (const fake of [fakes.kustomer, fakes.salesforce, fakes.oneflow]) {
      expect(fake.problems).toEqual([]);
      expect(fake.unexpected).toEqual([]);
    }
    expect(fakes.kustomer.missing).toEqual([
      `GET ${fakes.kustomer.urls.api.origin}/v1/customers/60a0ffffffffffffffffffff`,
    ]);
    expect(fakes.oneflow.missing).toEqual([
      `GET ${fakes.oneflow.urls.api.origin}/v1/contracts/999999`,
      `GET ${fakes.oneflow.urls.api.origin}/v1/contracts/424242`,
    ]);
  });
});
