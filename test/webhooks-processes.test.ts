import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './helpers/wait.js';
import { afterAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { runSwitchboard } from './helpers/process.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { generateKeySpec } from '../src/core/vault.js';

/** A receiver that counts deliveries per event id; `delayMs` keeps requests in flight. */
async function countingReceiver(delayMs = 0) {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = JSON.parse(body).event_id as string;
      setTimeout(() => {
        seen.set(id, (seen.get(id) ?? 0) + 1);
        res.end('ok');
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return { seen, url, close };
}

/** A server with workers off that writes `n` events to the outbox. */
async function setupWithEvents(keys: string, receiverUrl: string, n: number): Promise<TestServer> {
  const setup = await startTestServer({ SWITCHBOARD_ENCRYPTION_KEYS: keys }, { workers: false });
  await api(setup)('POST', '/webhooks', { url: receiverUrl, events: ['*'] });
  const account = await insertAccount(setup.app.deps, setup.app.deps.db, {
    projectId: setup.app.boot.project.projectId,
    connectorProfileId: null,
    provider: 'oneflow',
    originOwnerId: 'multi',
    originOwnerName: 'M',
  });
  for (let i = 0; i < n; i++)
    await api(setup)('PATCH', `/accounts/${account.id}`, { origin_owner_name: `n${i}` });
  return setup;
}

const pendingCount = async (s: TestServer) =>
  (
    await s.app.deps.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'delivered'",
    )
  ).rows[0]!.n;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('webhooks with several servers on one database', () => {
  it('two servers deliver 200 events: every event once, one attempt each', async () => {
    const keys = generateKeySpec('shared');
    const receiver = await countingReceiver();
    cleanups.push(receiver.close);
    const setup = await setupWithEvents(keys, receiver.url, 200);
    cleanups.push(setup.close);
    const [one, two] = await Promise.all([
      startTestServer({ SWITCHBOARD_ENCRYPTION_KEYS: keys }, { databaseUrl: setup.databaseUrl }),
      startTestServer({ SWITCHBOARD_ENCRYPTION_KEYS: keys }, { databaseUrl: setup.databaseUrl }),
    ]);
    cleanups.push(one.close, two.close);
    await waitFor(async () => (await pendingCount(setup)) === 0, 20_000);
    expect(receiver.seen.size).toBe(200);
    expect([...receiver.seen.values()].every((n) => n === 1)).toBe(true);
    const attempts = await setup.app.deps.db.query<{ n: number; max: number }>(
      'SELECT count(*)::int AS n, max(attempt)::int AS max FROM webhook_attempts',
    );
    expect(attempts.rows[0]).toEqual({ n: 200, max: 1 });
  });

  it('a server killed with SIGKILL mid-delivery loses nothing: after restart every event arrives', async () => {
    const keys = generateKeySpec('crash');
    const receiver = await countingReceiver(150);
    cleanups.push(receiver.close);
    const setup = await setupWithEvents(keys, receiver.url, 60);
    cleanups.push(setup.close);
    const env = {
      DATABASE_URL: setup.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: keys,
      SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
    };
    const first = runSwitchboard(['start', '--port', '0'], env);
    await first.ready;
    await waitFor(() => receiver.seen.size >= 5, 15_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const pendingAtKill = await pendingCount(setup);
    expect(pendingAtKill).toBeGreaterThan(0);

    const second = runSwitchboard(['start', '--port', '0'], env);
    cleanups.push(async () => {
      second.child.kill('SIGTERM');
      await second.exited;
    });
    await second.ready;
    // Deliveries the killed process had leased come back when their 30 s lease runs out.
    await waitFor(async () => (await pendingCount(setup)) === 0, 50_000);
    expect(receiver.seen.size).toBe(60);
    const log = await setup.app.deps.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'",
    );
    expect(log.rows[0]!.n).toBe(60);
  }, 90_000);
});
