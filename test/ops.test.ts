import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followToCallback } from './helpers/link-accounts.js';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import {
  createProfiles,
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
} from './helpers/linking.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
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

describe('/metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The connectors run as shipped; the webhook receiver is on loopback, so the private-network
    // switch is on for it.
    server = await startShippedServer(shipped, { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' });
  });
  afterAll(async () => server?.close());

  it('serves Prometheus metrics by route template, with no ids in labels', async () => {
    const s = await createSession(server, { origin_owner_id: 'metrics-owner' });
    await api(server)('GET', `/accounts/acc_doesnotexist`);
    await hub(server, s.token)('GET', '/hub/connectors');
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /switchboard_http_request_duration_seconds_count\{method="GET",route="\/accounts\/:id",status="404"\} 1/,
    );
    expect(text).toMatch(/switchboard_queue_depth\{queue="webhook_deliveries"\} \d+/);
    expect(text).toMatch(/switchboard_process_resident_memory_bytes \d+/);
    expect(text).not.toContain('acc_doesnotexist');
    expect(text).not.toContain(server.app.boot.project.projectId);
    expect(text).not.toContain(s.token);
  });

  it('counts accounts by provider and status, refreshes and deliveries by outcome', async () => {
    const profiles = await createProfiles(server, fakes);
    await api(server)('POST', '/webhooks', { url: receiver.url, events: ['*'] });
    const s = await createSession(server, { origin_owner_id: 'metrics-2' });
    await hub(server, s.token)('POST', '/hub/accounts', {
      integration_id: profiles.oneflow,
      credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
    });
    for (let i = 0; i < 100 && !receiver.received.some((r) => r.json.origin_owner_id === 'metrics-2'); i++)
      await new Promise((r) => setTimeout(r, 20));
    // The counter moves once the delivery's outcome is recorded, just after the receiver answered.
    let text = '';
    for (
      let i = 0;
      i < 100 && !/switchboard_webhook_deliveries_total\{outcome="delivered"\} [1-9]/.test(text);
      i++
    ) {
      text = await (await fetch(`${server.url}/metrics`)).text();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(text).toMatch(/switchboard_accounts\{provider="oneflow",status="active"\} 1/);
    expect(text).toMatch(/switchboard_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(text).toMatch(
      /switchboard_provider_request_duration_seconds_count\{provider="oneflow",status="200"\} 1/,
    );
  });
});

describe('/metrics with a token, and process roles', () => {
  it('requires the bearer token when one is configured', async () => {
    const server = await startTestServer(
      { SWITCHBOARD_METRICS_TOKEN: 'metrics-token-0123456789' },
      { workers: false },
    );
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      expect(
        (
          await fetch(`${server.url}/metrics`, {
            headers: { authorization: 'Bearer wrong-token-0123456789ab' },
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await fetch(`${server.url}/metrics`, {
            headers: { authorization: 'Bearer metrics-token-0123456789' },
          })
        ).status,
      ).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('--role worker serves only /health and /metrics and runs the workers; --role api runs no workers', async () => {
    const worker = await startTestServer({ SWITCHBOARD_ROLE: 'worker' });
    const apiOnly = await startTestServer({ SWITCHBOARD_ROLE: 'api' });
    try {
      expect((await fetch(`${worker.url}/health`)).status).toBe(200);
      expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
      expect((await api(worker)('GET', '/accounts')).status).toBe(404);
      expect(worker.app.webhookWorker).not.toBeNull();
      expect((await api(apiOnly)('GET', '/accounts')).status).toBe(200);
      expect(apiOnly.app.webhookWorker).toBeNull();
      expect(apiOnly.app.refreshWorker).toBeNull();
    } finally {
      await worker.close();
      await apiOnly.close();
    }
  });
});

describe('logs', () => {
  it('a full linking flow logs JSON lines with request ids and not one secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    const log = pino({ level: 'trace', base: { service: 'switchboard' } }, sink);
    const server = await startShippedServer(shipped, { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' }, { log });
    try {
      const profiles = await createProfiles(server, fakes);
      const hook = await api(server)('POST', '/webhooks', { url: receiver.url, events: ['*'] });
      const s = await createSession(server, { origin_owner_id: 'log-scan' });
      await hub(server, s.token)('POST', '/hub/accounts', {
        integration_id: profiles.oneflow,
        credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
      });
      await hub(server, s.token)('POST', '/hub/accounts', {
        integration_id: profiles.oneflow,
        credentials: { api_token: 'W'.repeat(40), user_email: ONEFLOW_EMAIL },
      });
      const linked = (await api(server)('GET', '/accounts?origin_owner_id=log-scan')).json[0].id as string;
      const proxied = await api(server)(
        'POST',
        '/unified/proxy',
        { method: 'get', path: '/contracts' },
        { 'x-account-id': linked },
      );
      expect(proxied.status).toBe(200);
      const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
      const q = new URLSearchParams({
        redirect_uri: `${server.url}/embedded/accounts/callback`,
        token: s.token,
        connection_attempt_id: attempt.json.id,
        client_id: KUSTOMER_CLIENT.clientId,
        client_secret: KUSTOMER_CLIENT.clientSecret,
        org_name: 'acme',
      });
      const url = (
        await followToCallback(`${server.url}/connect/oauth2/${profiles.kustomer}?${q}`)
      ).toString();
      expect(new URL(url).searchParams.get('status')).toBe('success');
      await new Promise((r) => setTimeout(r, 500));
      const account = server.app.deps.vault.openJson<Record<string, string>>(
        (await server.app.deps.db.query("SELECT credentials FROM accounts WHERE provider = 'kustomer'"))
          .rows[0].credentials,
      );
      const secrets = [
        server.apiKey,
        s.token,
        hook.json.secret,
        ONEFLOW_TOKEN,
        KUSTOMER_CLIENT.clientSecret,
        account.access_token!,
        account.refresh_token!,
        'W'.repeat(40),
      ];
      expect(lines.length).toBeGreaterThan(10);
      const all = lines.join('\n');
      for (const secret of secrets)
        expect(all.includes(secret), `a secret ending …${secret.slice(-4)} is in the logs`).toBe(false);
      // Nor in anything else the server shows: API answers, request logs, metrics, OpenAPI, pages, webhook payloads.
      const listed = (await api(server)('GET', '/accounts?page_size=100')).json;
      const shown = [
        JSON.stringify(listed),
        JSON.stringify((await api(server)('GET', '/connector_profiles')).json),
        JSON.stringify((await api(server)('GET', '/webhooks')).json),
        JSON.stringify((await api(server)('GET', `/webhooks/${hook.json.id}/deliveries`)).json),
        JSON.stringify((await api(server)('GET', '/requests/logs?page_size=100')).json),
        JSON.stringify(
          await Promise.all(
            (
              (await api(server)('GET', '/requests/logs?page_size=100')).json.data as Array<{ id: string }>
            ).map(async (l) => (await api(server)('GET', `/requests/logs/${l.id}?include=step_logs`)).json),
          ),
        ),
        await (await fetch(`${server.url}/metrics`)).text(),
        await (await fetch(`${server.url}/openapi.json`)).text(),
        await (await fetch(`${server.url}/docs`)).text(),
        await (await fetch(`${server.url}/dashboard`)).text(),
        await (await fetch(`${server.url}/embedded/integrations?token=${s.token}`)).text(),
        JSON.stringify(receiver.received.map((r) => r.body)),
        JSON.stringify(
          (
            await hub(server, s.token)(
              'GET',
              `/hub/accounts/${listed.find((a: { provider: string }) => a.provider === 'oneflow').id}`,
            )
          ).json,
        ),
      ].join('\n');
      for (const secret of secrets.filter((x) => x !== s.token))
        expect(shown.includes(secret), `a secret ending …${secret.slice(-4)} is shown somewhere`).toBe(false);
      const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
      expect(requests.length).toBeGreaterThan(5);
      expect(requests.every((l) => typeof l.reqId === 'string' && l.reqId.length > 0)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
