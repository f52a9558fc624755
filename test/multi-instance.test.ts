import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, api, type TestServer } from './helpers/server.js';
import { createProfiles } from './helpers/linking.js';
import { startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { linkKustomer, linkOneflow } from './helpers/link-accounts.js';
import { runSwitchboard, type ServerProcess } from './helpers/process.js';
import { generateKeySpec } from '../src/core/vault.js';

/**
 * Three server processes on one database behind a round-robin load balancer, through a mixed
 * workload: connect sessions, Hub linking (form and OAuth), proxy calls, token refreshes under
 * concurrency, webhooks. No duplicate refresh, no duplicate delivery, no lost event. The
 * connectors run as shipped: each process reaches the providers' real host names through its
 * outbound proxy setting, which the test's internet stand-in answers.
 */
let world: ShippedWorld;
let fakes: SeedFakes;
let setup: TestServer;
let balancer: http.Server;
let lbUrl = '';
const processes: ServerProcess[] = [];
const received = new Map<string, number>();
let receiver: http.Server;

beforeAll(async () => {
  world = await startShippedWorld();
  fakes = world.fakes;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = JSON.parse(body).event_id as string;
      received.set(id, (received.get(id) ?? 0) + 1);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));

  // The load balancer's address is the public URL every process advertises.
  const backends: string[] = [];
  let next = 0;
  balancer = http.createServer((req, res) => {
    const target = new URL(req.url!, backends[next++ % backends.length]);
    const up = http.request(target, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => balancer.listen(0, '127.0.0.1', r));
  lbUrl = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}`;

  const keys = generateKeySpec('multi');
  setup = await startTestServer(
    { SWITCHBOARD_ENCRYPTION_KEYS: keys, SWITCHBOARD_PUBLIC_URL: lbUrl },
    { workers: false },
  );
  const env = {
    DATABASE_URL: setup.databaseUrl,
    SWITCHBOARD_ENCRYPTION_KEYS: keys,
    SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
    SWITCHBOARD_PUBLIC_URL: lbUrl,
    SWITCHBOARD_API_KEY: setup.apiKey,
    ...world.internet.processEnv,
  };
  for (let i = 0; i < 3; i++) processes.push(runSwitchboard(['start', '--port', '0'], env));
  backends.push(...(await Promise.all(processes.map((p) => p.ready))));
}, 60_000);

afterAll(async () => {
  for (const p of processes) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
  await new Promise<void>((r) => balancer?.close(() => r()));
  await new Promise<void>((r) => receiver?.close(() => r()));
  await setup?.close();
  await world?.close();
});

describe('three processes on one database', () => {
  it('mixed workload: no duplicate refresh, no duplicate delivery, no lost event', async () => {
    // Everything below goes through the load balancer, round-robin over the three processes.
    const lb = { ...setup, url: lbUrl } as TestServer;
    const profiles = await createProfiles(lb, fakes);
    await api(lb)('POST', '/webhooks', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      events: ['*'],
    });

    const oneflow = await Promise.all(
      Array.from({ length: 12 }, (_, i) => linkOneflow(lb, profiles, `mi-of-${i}`)),
    );
    const kustomer: string[] = [];
    for (let i = 0; i < 6; i++) kustomer.push(await linkKustomer(lb, profiles, `mi-kus-${i}`));

    const proxy = (account: string, path: string) =>
      api(lb)('POST', '/unified/proxy', { method: 'get', path }, { 'x-account-id': account });
    const ofResults = await Promise.all(
      oneflow.flatMap((a) => [proxy(a, '/contracts'), proxy(a, '/workspaces')]),
    );
    expect(ofResults.every((r) => r.status === 200)).toBe(true);

    // Every Kustomer token expires at once; 30 concurrent callers per account across 3 processes.
    fakes.kustomer.reset();
    fakes.kustomer.delayToken(30);
    fakes.kustomer.expireAccessTokens();
    await setup.app.deps.db.query(
      "UPDATE accounts SET token_expires_at = now() - interval '1 second' WHERE provider = 'kustomer'",
    );
    const storm = await Promise.all(
      kustomer.flatMap((a) => Array.from({ length: 30 }, () => proxy(a, '/v1/customers'))),
    );
    fakes.kustomer.delayToken(0);
    expect(storm.filter((r) => r.status !== 200).map((r) => r.text.slice(0, 200))).toEqual([]);
    expect(fakes.kustomer.counts.refresh).toBe(kustomer.length);
    expect(fakes.kustomer.reusedRefreshTokens).toBe(0);

    // Account changes through different processes; then wait for every event to arrive.
    for (const a of oneflow.slice(0, 6))
      await api(lb)('PATCH', `/accounts/${a}`, { origin_owner_name: 'renamed' });
    await api(lb)('DELETE', `/accounts/${oneflow[11]}`);
    const events = async () =>
      (await setup.app.deps.db.query<{ id: string }>('SELECT id FROM events')).rows.map((r) => r.id);
    const all = await events();
    expect(all.length).toBe(12 + 6 + 6 + 1);
    for (let i = 0; i < 200 && received.size < all.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect([...received.keys()].sort()).toEqual(all.sort());
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    // The delivery log is written after the receiver answers: wait for the last rows.
    const delivered = async () =>
      (
        await setup.app.deps.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'",
        )
      ).rows[0]!.n;
    for (let i = 0; i < 100 && (await delivered()) < all.length; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await delivered()).toBe(all.length);
    const attempts = await setup.app.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM webhook_attempts',
    );
    expect(attempts.rows[0]!.n).toBe(all.length);
    // Nothing went anywhere but the providers' own hosts and the loopback receiver.
    expect(world.internet.refused).toEqual([]);
    expect([...fakes.kustomer.problems, ...fakes.oneflow.problems]).toEqual([]);
  }, 90_000);
});
