import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { startReceiver } from './helpers/receiver.js';
import { waitFor } from './helpers/wait.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { DELIVERY_TIMEOUT_MS, ENDPOINT_CONCURRENCY } from '../src/core/webhooks/schedule.js';

/**
 * Security review M6: the worker claimed the 32 oldest due deliveries over all projects and
 * waited for the whole batch, so a receiver that never answered delayed every other project's
 * events by 10 s per batch (96 dead deliveries: another project's event arrived 60 s late).
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

/** A receiver that accepts connections and never answers; counts the requests open at once. */
async function silentReceiver() {
  let open = 0;
  let mostOpen = 0;
  const server = http.createServer((req) => {
    open++;
    mostOpen = Math.max(mostOpen, open);
    req.resume();
    req.socket.once('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    mostOpen: () => mostOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function accountIn(server: TestServer, projectId: string, owner: string) {
  return insertAccount(server.app.deps, server.app.deps.db, {
    projectId,
    connectorProfileId: null,
    provider: 'oneflow',
    originOwnerId: owner,
    originOwnerName: 'Owner',
  });
}

describe("M6: one dead receiver does not delay other projects' webhooks", () => {
  it("project B's endpoint never answers with 100 events queued; project A's event still arrives at once", async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    const db = server.app.deps.db;
    const dead = await silentReceiver();
    cleanups.push(dead.close);
    const healthy = await startReceiver();
    cleanups.push(healthy.close);

    const projectB = await createProject(db, 'Tenant B');
    const keyB = generateApiKey();
    await addApiKey(db, projectB.projectId, keyB);
    const serverB: TestServer = { ...server, apiKey: keyB };
    const endpointB = await api(serverB)('POST', '/webhooks', { url: dead.url, events: ['*'] });
    expect(endpointB.status).toBe(201);
    expect((await api(server)('POST', '/webhooks', { url: healthy.url, events: ['*'] })).status).toBe(201);

    const accountB = await accountIn(server, projectB.projectId, 'tenant-b');
    for (let i = 0; i < 100; i++)
      expect(
        (await api(serverB)('PATCH', `/accounts/${accountB.id}`, { origin_owner_name: `b${i}` })).status,
      ).toBe(200);

    const accountA = await accountIn(server, server.app.boot.project.projectId, 'tenant-a');
    const started = Date.now();
    expect((await api(server)('PATCH', `/accounts/${accountA.id}`, { origin_owner_name: 'a' })).status).toBe(
      200,
    );
    const arrived = () =>
      healthy.received.some(
        (r) => r.json.event === 'account.updated' && (r.json.data as { id?: string }).id === accountA.id,
      );
    await waitFor(arrived, 3 * DELIVERY_TIMEOUT_MS);
    const waited = Date.now() - started;

    // Before B's backlog was worked through, and sooner than one dead delivery's timeout.
    const attemptsB = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.project_id = $1',
      [projectB.projectId],
    );
    expect(attemptsB.rows[0]!.n).toBeLessThan(100);
    expect(waited).toBeLessThan(DELIVERY_TIMEOUT_MS);

    // The dead receiver never held more than its endpoint's share of delivery slots.
    expect(dead.mostOpen()).toBeGreaterThan(0);
    expect(dead.mostOpen()).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);

    // Once its attempts time out, the endpoint is paused instead of taking slots again at once.
    await waitFor(async () => {
      const { rows } = await db.query<{ n: number }>(
        'SELECT consecutive_timeouts AS n FROM webhook_endpoints WHERE id = $1',
        [endpointB.json.id],
      );
      return (rows[0]?.n ?? 0) > 0;
    }, 3 * DELIVERY_TIMEOUT_MS);
    const { rows } = await db.query<{ paused_until: Date | null }>(
      'SELECT paused_until FROM webhook_endpoints WHERE id = $1',
      [endpointB.json.id],
    );
    expect(rows[0]!.paused_until!.getTime()).toBeGreaterThan(Date.now() - 1_000);
    const pending = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE project_id = $1 AND status = 'pending'",
      [projectB.projectId],
    );
    expect(pending.rows[0]!.n).toBe(100);
  }, 60_000);
});
