import { createHmac } from 'node:crypto';
import { waitFor } from './helpers/wait.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link } from './helpers/world.js';
import { Webhook } from 'standardwebhooks';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createProfiles, createSession, hub, ONEFLOW_EMAIL } from './helpers/linking.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { endpointPauseMs, retryDelayMs } from '../src/core/webhooks/schedule.js';
import { z } from 'zod';
import { expectWire } from './helpers/contract.js';
import { errorBody } from '../src/contract/common.js';
import {
  createdWebhookEndpoint,
  rotatedSecret,
  webhookDelivery,
  webhookEndpoint,
} from '../src/contract/webhooks.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

let fakes: SeedFakes;
let shipped: ShippedWorld;
let receiver: Receiver;
beforeAll(async () => {
  shipped = await startShippedWorld();
  fakes = shipped.fakes;
  receiver = await startReceiver();
});
afterAll(async () => {
  await shipped?.close();
  await receiver?.close();
});

async function seed(server: TestServer, owner = 'wh-owner') {
  return insertAccount(server.app.deps, server.app.deps.db, {
    projectId: server.app.boot.project.projectId,
    connectorProfileId: null,
    provider: 'oneflow',
    originOwnerId: owner,
    originOwnerName: 'Owner',
  });
}

const linkOneflow = (server: TestServer, owner: string, profileId: string) =>
  link({ server }, 'oneflow', owner, { integrationId: profileId });

describe('webhook endpoints API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { workers: false });
  });
  afterAll(async () => server?.close());

  it('creates with a whsec_ secret shown once; lists, patches, deletes', async () => {
    const call = api(server);
    const created = await call('POST', '/webhooks', {
      url: receiver.url,
      events: ['account.created', 'account.created'],
      description: 'main',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      url: receiver.url,
      events: ['account.created'],
      description: 'main',
      active: true,
    });
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const got = await call('GET', `/webhooks/${created.json.id}`);
    expect(got.json.secret).toBeUndefined();
    expectWire(createdWebhookEndpoint, created.json);
    expectWire(webhookEndpoint, got.json);
    expectWire(z.array(webhookEndpoint), (await call('GET', '/webhooks')).json);
    expect((await call('GET', '/webhooks')).json.map((w: { id: string }) => w.id)).toContain(created.json.id);
    const raw = await server.app.deps.db.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [
      created.json.id,
    ]);
    expect(raw.rows[0].secret).not.toContain(created.json.secret.slice(6));
    const patched = await call('PATCH', `/webhooks/${created.json.id}`, { events: ['*'], active: false });
    expect(patched.json).toMatchObject({ events: ['*'], active: false });
    expectWire(webhookEndpoint, patched.json);
    const deleted = await call('DELETE', `/webhooks/${created.json.id}`);
    expect(deleted.status).toBe(200);
    expectWire(webhookEndpoint, deleted.json);
    expect((await call('GET', `/webhooks/${created.json.id}`)).status).toBe(404);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const call = api(server);
    for (const body of [
      { url: 'not a url', events: ['*'] },
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['account.exploded'] },
      { url: receiver.url },
    ]) {
      const res = await call('POST', '/webhooks', body);
      expect(res.status).toBe(400);
      expect(expectWire(errorBody, res.json).statusCode).toBe(400);
    }
    expect((await call('GET', '/webhooks')).json).toEqual([]);
  });

  it('keeps private-network URLs out unless allowed', async () => {
    const strict = await startTestServer({ SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' }, { workers: false });
    try {
      for (const url of [
        'http://127.0.0.1:9/x',
        'https://169.254.169.254/',
        'https://localhost/x',
        'http://hooks.example.com/x',
      ]) {
        const res = await api(strict)('POST', '/webhooks', { url, events: ['*'] });
        expect(res.status).toBe(400);
        expect(res.json.message).toMatch(/^url /);
      }
    } finally {
      await strict.close();
    }
  });
});

describe('the outbox', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Oneflow as shipped; the company's receiver is on loopback, so the private-network switch is on.
    server = await startShippedServer(
      shipped,
      { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' },
      { workers: false },
    );
  });
  afterAll(async () => server?.close());

  it('writes an event with every account change, and none for a change that failed', async () => {
    const call = api(server);
    const profiles = await createProfiles(server, fakes);
    await call('POST', '/webhooks', { url: receiver.url, events: ['*'] });
    const events = async () =>
      (await server.app.deps.db.query('SELECT type FROM events ORDER BY seq')).rows.map((r) => r.type);

    const id = await linkOneflow(server, 'outbox-1', profiles.oneflow);
    expect(await events()).toEqual(['account.created']);
    await call('PATCH', `/accounts/${id}`, { origin_owner_name: 'Renamed' });
    expect(await events()).toEqual(['account.created', 'account.updated']);

    // Rejected changes: a provider refusal at link time, a PATCH that is refused.
    const s = await createSession(server, { origin_owner_id: 'outbox-2' });
    await hub(server, s.token)('POST', '/hub/accounts', {
      integration_id: profiles.oneflow,
      credentials: { api_token: 'Z'.repeat(40), user_email: ONEFLOW_EMAIL },
    });
    expect((await call('PATCH', `/accounts/${id}`, { provider: 'salesforce' })).status).toBe(400);
    expect(await events()).toEqual(['account.created', 'account.updated']);

    await call('DELETE', `/accounts/${id}`);
    expect(await events()).toEqual(['account.created', 'account.updated', 'account.deleted']);
    const deliveries = await server.app.deps.db.query(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'",
    );
    expect(deliveries.rows[0].n).toBe(3);
  });
});

describe('delivery', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('signs with x-stackone-signature and Standard Webhooks; the payload carries no credentials', async () => {
    receiver.received.length = 0;
    receiver.respond = 200;
    const hook = await api(server)('POST', '/webhooks', { url: receiver.url, events: ['account.updated'] });
    const account = await seed(server, 'sig-owner');
    await server.app.deps.db.query('UPDATE accounts SET secrets = $2 WHERE id = $1', [
      account.id,
      server.app.deps.vault.sealJson({ api_token: 'super-secret-token-1234' }),
    ]);
    await api(server)('PATCH', `/accounts/${account.id}`, { origin_owner_name: 'Signed' });
    await waitFor(() => receiver.received.length === 1);
    const got = receiver.received[0]!;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.json).toMatchObject({
      event: 'account.updated',
      account_id: account.id,
      provider: 'oneflow',
      origin_owner_id: 'sig-owner',
      origin_owner_name: 'Signed',
      project_id: server.app.boot.project.projectId,
      data: { id: account.id, status: 'active' },
    });
    expect(got.json.data).not.toHaveProperty('credentials');
    expect(got.body).not.toContain('super-secret-token');
    expect(got.headers['webhook-id']).toBe(got.json.event_id);
    // The reference verifier accepts it…
    const verified = new Webhook(hook.json.secret).verify(got.body, got.headers as Record<string, string>);
    expect(verified).toEqual(got.json);
    // …and so does a plain HMAC of the raw body with the secret.
    expect(got.headers['x-stackone-signature']).toBe(
      createHmac('sha256', hook.json.secret).update(got.body).digest('base64url'),
    );
    // The log row is written once the receiver has answered.
    await waitFor(
      async () =>
        (await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`)).json[0]?.status === 'delivered',
    );
    const log = await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`);
    expect(log.json).toEqual([
      expect.objectContaining({
        event: 'account.updated',
        event_id: got.json.event_id,
        status: 'delivered',
        attempts: 1,
        last_status_code: 200,
      }),
    ]);
    await api(server)('DELETE', `/webhooks/${hook.json.id}`);
  });

  it('delivers everything once when the receiver was down for a while', async () => {
    const down = await startReceiver();
    const url = down.url;
    await down.close(); // nobody listens on that port now
    const hook = await api(server)('POST', '/webhooks', { url, events: ['*'] });
    const account = await seed(server, 'down-owner');
    for (let i = 0; i < 5; i++)
      await api(server)('PATCH', `/accounts/${account.id}`, { origin_owner_name: `n${i}` });
    await waitFor(
      async () =>
        (
          await server.app.deps.db.query(
            'SELECT count(*)::int AS n FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1',
            [hook.json.id],
          )
        ).rows[0].n >= 5,
    );
    const up = await startReceiver(Number(new URL(url).port));
    try {
      // Bring the retries forward instead of waiting out the backoff.
      await server.app.deps.db.query(
        'UPDATE webhook_deliveries SET next_attempt_at = now() WHERE endpoint_id = $1',
        [hook.json.id],
      );
      await waitFor(() => up.received.length >= 5);
      await waitFor(async () =>
        (await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`)).json.every(
          (d: { status: string }) => d.status === 'delivered',
        ),
      );
      expect(up.received.map((r) => r.json.origin_owner_name).sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
      expect(new Set(up.received.map((r) => r.json.event_id)).size).toBe(5);
      const log = (await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`)).json;
      expect(log.map((d: { status: string }) => d.status)).toEqual([
        'delivered',
        'delivered',
        'delivered',
        'delivered',
        'delivered',
      ]);
      expect(log.every((d: { attempts: number }) => d.attempts === 2)).toBe(true);
    } finally {
      await up.close();
      await api(server)('DELETE', `/webhooks/${hook.json.id}`);
    }
  });

  it('sends nothing to a disabled endpoint', async () => {
    receiver.received.length = 0;
    const hook = await api(server)('POST', '/webhooks', { url: receiver.url, events: ['*'], active: false });
    const account = await seed(server, 'disabled-owner');
    await api(server)('PATCH', `/accounts/${account.id}`, { origin_owner_name: 'x' });
    // Drain: every due delivery is attempted before this returns.
    await server.app.webhookWorker!.runOnce();
    expect(receiver.received).toEqual([]);
    expect((await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`)).json).toEqual([]);
    await api(server)('DELETE', `/webhooks/${hook.json.id}`);
  });
});

describe('retries on a test clock', () => {
  let server: TestServer;
  let now = Date.parse('2026-01-01T00:00:00Z');
  beforeAll(async () => {
    server = await startTestServer({}, { workers: false, clock: () => new Date(now) });
  });
  afterAll(async () => server?.close());

  it('backs off exponentially with jitter for 24 h, then fails; redeliver queues it again', async () => {
    receiver.respond = 500;
    receiver.received.length = 0;
    const hook = await api(server)('POST', '/webhooks', { url: receiver.url, events: ['*'] });
    const account = await seed(server, 'retry-owner');
    await api(server)('PATCH', `/accounts/${account.id}`, { origin_owner_name: 'x' });
    const start = now;
    const delays: number[] = [];
    let status = 'pending';
    for (let i = 0; i < 200 && status === 'pending'; i++) {
      expect(await runOnce(server)).toBe(1);
      const d = (
        await server.app.deps.db.query(
          'SELECT status, next_attempt_at FROM webhook_deliveries WHERE endpoint_id = $1',
          [hook.json.id],
        )
      ).rows[0];
      status = d.status;
      if (status === 'pending') {
        delays.push(d.next_attempt_at.getTime() - now);
        now = d.next_attempt_at.getTime();
      }
    }
    expect(status).toBe('failed');
    expect(now - start).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    // Growing delays: each of the first ten is within the jitter band of 5 s · 2^n.
    for (let n = 0; n < 10; n++) {
      const base = Math.min(3600_000, 5000 * 2 ** n);
      expect(delays[n]).toBeGreaterThanOrEqual(base * 0.8 - 1);
      expect(delays[n]).toBeLessThanOrEqual(base * 1.2 + 1);
    }
    expect(receiver.received.length).toBe(delays.length + 1);
    const delivery = expectWire(
      z.array(webhookDelivery),
      (await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`)).json,
    )[0]!;
    expect(delivery).toMatchObject({
      status: 'failed',
      last_status_code: 500,
      last_error: 'HTTP 500',
      next_attempt_at: null,
    });

    receiver.respond = 200;
    const again = await api(server)('POST', `/webhooks/${hook.json.id}/deliveries/${delivery.id}/redeliver`);
    expect(expectWire(webhookDelivery, again.json).status).toBe('pending');
    await runOnce(server);
    expect((await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`)).json[0]).toMatchObject({
      status: 'delivered',
      last_status_code: 200,
    });
  });

  it('signs with both secrets during a rotation, then only the new one', async () => {
    receiver.respond = 200;
    receiver.received.length = 0;
    for (const w of (await api(server)('GET', '/webhooks')).json)
      await api(server)('DELETE', `/webhooks/${w.id}`);
    const hook = await api(server)('POST', '/webhooks', { url: receiver.url, events: ['account.updated'] });
    const rotated = await api(server)('POST', `/webhooks/${hook.json.id}/rotate_secret`);
    expect(expectWire(rotatedSecret, rotated.json).secret).toMatch(/^whsec_/);
    const account = await seed(server, 'rotate-owner');
    await api(server)('PATCH', `/accounts/${account.id}`, { origin_owner_name: 'during' });
    await runOnce(server);
    const during = receiver.received.find((r) => r.json.origin_owner_name === 'during')!;
    const sigs = (during.headers['x-stackone-signature'] as string).split(' ');
    expect(sigs).toEqual([
      createHmac('sha256', rotated.json.secret).update(during.body).digest('base64url'),
      createHmac('sha256', hook.json.secret).update(during.body).digest('base64url'),
    ]);
    expect((during.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);

    now += 24 * 3600 * 1000 + 1;
    await api(server)('PATCH', `/accounts/${account.id}`, { origin_owner_name: 'after' });
    await runOnce(server);
    const after = receiver.received.find((r) => r.json.origin_owner_name === 'after')!;
    expect(after.headers['x-stackone-signature']).toBe(
      createHmac('sha256', rotated.json.secret).update(after.body).digest('base64url'),
    );
    expect((after.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
  });
});

/** Servers started with `workers: false` deliver when the test says so. */
async function runOnce(server: TestServer): Promise<number> {
  const { claimDue, attemptDelivery } = await import('../src/core/webhooks/delivery.js');
  const claimed = await claimDue(server.app.deps, 100);
  for (const d of claimed) await attemptDelivery(server.app.deps, d);
  return claimed.length;
}

describe('retry schedule', () => {
  it('pauses an endpoint that keeps timing out: 5 s, doubling, at most 5 min', () => {
    expect([1, 2, 3, 4, 7, 8, 30].map(endpointPauseMs)).toEqual([
      5_000, 10_000, 20_000, 40_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('grows exponentially from 5 s, capped at 1 h, with ±20 % jitter', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(5000);
    expect(retryDelayMs(2, () => 0.5)).toBe(10000);
    expect(retryDelayMs(3, () => 0)).toBe(16000);
    expect(retryDelayMs(3, () => 1)).toBe(24000);
    expect(retryDelayMs(30, () => 0.5)).toBe(3600_000);
  });
});
