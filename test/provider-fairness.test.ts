import http from 'node:http';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { type InternetOptions, startInternet } from './helpers/internet.js';
import { linkOneflow, onAccount } from './helpers/link-accounts.js';
import { json, startUpstream } from './helpers/upstream.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { DEFAULT_PROVIDER_CALL_LIMITS } from '../src/core/provider-calls/limits.js';
import { waitFor } from './helpers/wait.js';

// Each test starts its own server and links accounts: slow on a loaded machine, hence 60 s each.

/**
 * Security review M5: one project holding many slow calls to a provider origin starved every
 * other project's calls to it, and a call queued for a connection waited past its lifetime.
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

/** Oneflow's real API host: each test's own internet stand-in routes it to the held provider. */
const HELD = 'https://api.oneflow.com';

/**
 * A provider whose `/slow` requests are held until the test answers them; everything else answers
 * at once. It answers at HELD through an internet stand-in of its own, whose pool (`pool`, if
 * given) the server under test gets, with the private-network switch off.
 */
async function providerWithHeldCalls(env: Record<string, string>, pool?: InternetOptions['pool']) {
  const held: ServerResponse[] = [];
  const up = await startUpstream((req, res) =>
    req.url.includes('/slow') ? held.push(res) : json(200, { ok: true })(req, res),
  );
  cleanups.push(() => up.close());
  const internet = await startInternet(
    [{ hosts: [new URL(HELD).hostname], port: Number(new URL(up.url).port) }],
    pool ? { pool } : {},
  );
  cleanups.push(() => internet.close());
  const server = await startTestServer(
    { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0', ...env },
    { workers: false, http: internet.http },
  );
  cleanups.push(() => server.close());
  return { up, held, server, pool: internet.http as Agent };
}

/** Two projects on one server, each with Oneflow accounts whose API is HELD (so one provider origin). */
async function twoProjects(server: TestServer, accountsOfB: number) {
  const projectB = await createProject(server.app.deps.db, 'Tenant B');
  const keyB = generateApiKey();
  await addApiKey(server.app.deps.db, projectB.projectId, keyB);
  const serverB: TestServer = { ...server, apiKey: keyB };
  // Oneflow as shipped: the test's own internet routes api.oneflow.com to the scripted upstream,
  // which holds its answers to fill the provider's share.
  const link = async (s: TestServer, owner: string) => {
    const profile = await api(s)('POST', '/connector_profiles', {
      provider: 'oneflow',
      default: false,
    });
    // linkOneflow only reads the profile id from its second argument when none is given.
    return linkOneflow(s, {} as Parameters<typeof linkOneflow>[1], owner, profile.json.id);
  };
  const a = await link(server, 'tenant-a');
  const b: string[] = [];
  for (let i = 0; i < accountsOfB; i++) b.push(await link(serverB, `tenant-b-${i}`));
  return { a, b, serverB };
}

/** A chunked raw-proxy upload that sends a byte every `everyMs` until `stop()`. */
function trickleUpload(server: TestServer, key: string, accountId: string, everyMs: number) {
  const req = http.request(`${server.url}/proxy/${accountId}/contracts`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      'content-type': 'application/octet-stream',
      'transfer-encoding': 'chunked',
    },
  });
  let settled = false;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        settled = true;
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', (err) => {
      settled = true;
      reject(err);
    });
  });
  answer.catch(() => undefined);
  req.write('x');
  const timer = setInterval(() => req.write('x'), everyMs);
  return {
    answer,
    settled: () => settled,
    stop: () => {
      clearInterval(timer);
      req.end();
    },
    stopSending: () => clearInterval(timer),
    destroy: () => {
      clearInterval(timer);
      req.destroy();
    },
  };
}

describe('M5: provider connections are shared fairly between projects', () => {
  it("project B holding its whole share of slow calls is refused more (429, Retry-After), and A's call on the same origin answers at once", async () => {
    const { server, held } = await providerWithHeldCalls({ SWITCHBOARD_PROXY_LIFETIME_MS: '20000' });
    const { perAccount, perProject } = DEFAULT_PROVIDER_CALL_LIMITS;
    const { a, b, serverB } = await twoProjects(server, Math.ceil(perProject / perAccount));

    // B fills its share: every one of its accounts holds as many calls as an account may.
    const slow = b.flatMap((account) =>
      Array.from({ length: perAccount }, () =>
        onAccount(serverB, account)('POST', '/unified/proxy', { path: '/slow' }),
      ),
    );
    await waitFor(() => held.length === perProject, 15_000);

    const overAccount = await onAccount(serverB, b[0]!)('POST', '/unified/proxy', { path: '/contracts' });
    expect(overAccount.status).toBe(429);
    expect(overAccount.headers.get('retry-after')).toBe('1');
    expect(overAccount.json).toMatchObject({
      statusCode: 429,
      message: `This account already has ${perAccount} calls in flight to Oneflow: try again when one has answered`,
    });
    // A new account of B's does not escape the project's share.
    const third = await (async () => {
      const profile = await api(serverB)('POST', '/connector_profiles', {
        provider: 'oneflow',
        default: false,
      });
      return linkOneflow(serverB, {} as Parameters<typeof linkOneflow>[1], 'tenant-b-extra', profile.json.id);
    })();
    const overProject = await onAccount(serverB, third)('POST', '/unified/proxy', { path: '/contracts' });
    expect(overProject.status).toBe(429);
    expect(overProject.json).toMatchObject({
      statusCode: 429,
      message: `This project already has ${perProject} calls in flight to Oneflow: try again when one has answered`,
    });

    // A's call on the same provider origin is answered while B's calls are all still held.
    const started = performance.now();
    const mine = await onAccount(server, a)('POST', '/unified/proxy', { path: '/contracts' });
    expect(mine.status).toBe(200);
    expect(mine.json.data).toEqual({ ok: true });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(held).toHaveLength(perProject);

    // B's calls answer once the provider does, and its slots are free again.
    for (const res of held) json(200, { late: true })({} as never, res);
    const answers = await Promise.all(slow);
    expect(answers.map((r) => r.status)).toEqual(slow.map(() => 200));
    const again = await onAccount(serverB, third)('POST', '/unified/proxy', { path: '/contracts' });
    expect(again.status).toBe(200);
  }, 60_000);

  it('a call queued for a connection is answered 408 at its lifetime, not when the connection frees', async () => {
    // A pool of two connections per origin, which project B's two stalled uploads hold.
    const { server, pool } = await providerWithHeldCalls(
      { SWITCHBOARD_PROXY_LIFETIME_MS: '1500' },
      { connections: 2, keepAliveTimeout: 10_000 },
    );
    const { a, b, serverB } = await twoProjects(server, 2);

    const uploads = b.map((account) => trickleUpload(server, serverB.apiKey, account, 200));
    cleanups.push(async () => {
      for (const u of uploads) u.destroy();
    });
    // Both uploads reach the provider, so both connections are taken.
    const busy = () => pool.stats[HELD]?.running ?? 0;
    await waitFor(() => busy() === 2, 5_000);

    const started = performance.now();
    const queued = await onAccount(server, a)('POST', '/unified/proxy', { path: '/contracts' });
    const elapsed = performance.now() - started;
    expect(queued.status).toBe(408);
    expect(queued.json).toMatchObject({ statusCode: 408, message: 'Oneflow did not answer within 2 s' });
    // At the lifetime (1.5 s), with slack for a loaded machine; B's uploads are still going.
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(4_500);
    expect(uploads.map((u) => u.settled())).toEqual([false, false]);
    expect(busy()).toBe(2);

    // Once B's uploads end, the pool serves A again.
    for (const u of uploads) u.stop();
    expect((await Promise.all(uploads.map((u) => u.answer))).map((r) => r.status)).toEqual([200, 200]);
    const after = await onAccount(server, a)('POST', '/unified/proxy', { path: '/contracts' });
    expect(after.status).toBe(200);
  }, 60_000);

  it('a raw-proxy upload that stops sending is cut off at the idle limit (408), and one that never ends at the total limit', async () => {
    // A pool of its own, destroyed at the end: the aborted uploads leave nothing to wait for.
    const { server, pool } = await providerWithHeldCalls({}, { keepAliveTimeout: 10_000 });
    cleanups.push(() => pool.destroy());
    // The limits are settings; shortened here so the test runs in seconds.
    (server.app.deps.settings as { rawUpload?: { idleMs: number; lifetimeMs: number } }).rawUpload = {
      idleMs: 800,
      lifetimeMs: 3_000,
    };
    const { b, serverB } = await twoProjects(server, 1);
    const account = b[0]!;

    const stalled = trickleUpload(server, serverB.apiKey, account, 100);
    cleanups.push(async () => stalled.destroy());
    await new Promise((r) => setTimeout(r, 300));
    stalled.stopSending();
    const cut = await stalled.answer;
    expect(cut.status).toBe(408);
    expect(JSON.parse(cut.body)).toMatchObject({
      statusCode: 408,
      message: 'The upload stalled: no data for 1 s',
    });

    // A byte every 200 ms is never idle, but the upload still ends at the total limit.
    const started = performance.now();
    const endless = trickleUpload(server, serverB.apiKey, account, 200);
    cleanups.push(async () => endless.destroy());
    const ended = await endless.answer;
    expect(ended.status).toBe(408);
    expect(JSON.parse(ended.body)).toMatchObject({
      statusCode: 408,
      message: 'Oneflow did not answer within 3 s',
    });
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 60_000);
});
