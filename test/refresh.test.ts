import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followToCallback } from './helpers/link-accounts.js';
import { fetch as undiciFetch } from 'undici';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createProfiles, createSession, hub, KUSTOMER_CLIENT } from './helpers/linking.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { kustomerAccount, openCredentials, salesforceAccount } from './helpers/accounts.js';
import { accountTarget } from '../src/core/credentials/open.js';
import { AppError } from '../src/core/errors.js';
import { generateKeySpec } from '../src/core/vault.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import {
  SALESFORCE_INSTANCE,
  startShippedServer,
  startShippedWorld,
  type ShippedWorld,
} from './helpers/shipped.js';

let fakes: SeedFakes;
let shipped: ShippedWorld;
let server: TestServer;
let profiles: Awaited<ReturnType<typeof createProfiles>>;
let now = Date.parse('2026-03-01T12:00:00Z');
const keys = generateKeySpec('refresh');

beforeAll(async () => {
  shipped = await startShippedWorld();
  fakes = shipped.fakes;
  // Salesforce hands out no new refresh token on a refresh (the org's default policy).
  fakes.salesforce.fixture.token.rotate = false;
  server = await startShippedServer(
    shipped,
    { SWITCHBOARD_ENCRYPTION_KEYS: keys },
    { workers: false, clock: () => new Date(now) },
  );
  profiles = await createProfiles(server, fakes);
});
afterAll(async () => {
  await server?.close();
  await shipped?.close();
});

const scope = () => server.app.boot.project.projectId;
const target = (s: TestServer, id: string, forceRefresh = false) =>
  accountTarget(s.app.deps, { projectId: scope(), organizationId: s.app.boot.project.organizationId }, id, {
    forceRefresh,
  });
const row = async (id: string) =>
  (await server.app.deps.db.query('SELECT * FROM accounts WHERE id = $1', [id])).rows[0];
const eventsOf = async (id: string) =>
  (
    await server.app.deps.db.query('SELECT type FROM events WHERE account_id = $1 ORDER BY seq', [id])
  ).rows.map((r) => r.type);

describe('refresh storm', () => {
  it('2 servers, 200 concurrent callers, one expired Kustomer token → exactly 1 refresh, everyone gets the new token', async () => {
    // The same internet, without registering its callback URLs over the first server's.
    const second = await startTestServer(
      { SWITCHBOARD_ENCRYPTION_KEYS: keys, SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' },
      {
        workers: false,
        databaseUrl: server.databaseUrl,
        clock: () => new Date(now),
        http: shipped.internet.http,
      },
    );
    try {
      const account = await kustomerAccount(server, fakes, profiles.kustomer, {
        owner: 'storm',
        expiresAt: new Date(now - 1000),
      });
      const old = openCredentials(server, account.credentials);
      fakes.kustomer.reset();
      fakes.kustomer.delayToken(50); // keep the refresh in flight while the others pile up
      const callers = Array.from({ length: 200 }, (_, i) => target(i % 2 ? second : server, account.id));
      const results = await Promise.all(callers);
      fakes.kustomer.delayToken(0);
      expect(fakes.kustomer.counts.refresh).toBe(1);
      expect(fakes.kustomer.reusedRefreshTokens).toBe(0);
      const tokens = new Set(results.map((r) => r.credentials.access_token));
      expect(tokens.size).toBe(1);
      const fresh = [...tokens][0] as string;
      expect(fresh).not.toBe(old.access_token);
      expect(fakes.kustomer.isLiveAccessToken(fresh)).toBe(true);
      // The rotated refresh token was stored; the old one is dead at Kustomer.
      const stored = openCredentials(server, (await row(account.id)).credentials);
      expect(stored.refresh_token).not.toBe(old.refresh_token);
      expect(fakes.kustomer.isLiveRefreshToken(stored.refresh_token!)).toBe(true);
      expect(fakes.kustomer.isLiveRefreshToken(old.refresh_token!)).toBe(false);
    } finally {
      await second.close();
    }
  });
});

describe('failure classes', () => {
  it("invalid_grant → error with the provider's reason, account.error + account.updated, callers get 409", async () => {
    const account = await kustomerAccount(server, fakes, profiles.kustomer, {
      owner: 'revoked',
      expiresAt: new Date(now - 1000),
    });
    fakes.kustomer.revokeAll();
    const err = await target(server, account.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(409);
    const r = await row(account.id);
    expect(r.status).toBe('error');
    expect(r.status_reasons).toEqual([
      {
        code: 'invalid_grant',
        // The provider's own error_description for the refused refresh.
        description: 'Kustomer: expired access/refresh token',
        timestamp: new Date(now).toISOString(),
      },
    ]);
    expect(await eventsOf(account.id)).toEqual(['account.error', 'account.updated']);
    const wire = await api(server)('GET', `/accounts/${account.id}`);
    expect(wire.json).toMatchObject({ status: 'error', status_reasons: [{ code: 'invalid_grant' }] });
  });

  it('provider outage → 502 to the caller, account stays active, retried with backoff, then recovers', async () => {
    const account = await kustomerAccount(server, fakes, profiles.kustomer, {
      owner: 'outage',
      expiresAt: new Date(now - 1000),
    });
    const outage = { status: 503, body: { error: 'temporarily_unavailable' } };
    fakes.kustomer.failTokenNext(outage, Number.POSITIVE_INFINITY);
    const err = await target(server, account.id).catch((e: unknown) => e);
    fakes.kustomer.failTokenNext(outage, 0);
    expect((err as AppError).status).toBe(502);
    const r = await row(account.id);
    expect(r.status).toBe('active');
    expect(r.refresh_failures).toBe(1);
    expect(r.next_refresh_at.getTime()).toBe(now + 60_000);
    expect(await eventsOf(account.id)).toEqual([]);
    const ok = await target(server, account.id);
    expect(fakes.kustomer.isLiveAccessToken(ok.credentials.access_token as string)).toBe(true);
    expect((await row(account.id)).refresh_failures).toBe(0);
  });

  it('reconnecting an errored account through a connect session makes it active again (account.updated)', async () => {
    const account = await kustomerAccount(server, fakes, profiles.kustomer, {
      owner: 'recover',
      expiresAt: new Date(now - 1000),
    });
    fakes.kustomer.revokeAll();
    await target(server, account.id).catch(() => undefined);
    expect((await row(account.id)).status).toBe('error');
    const s = await createSession(server, { origin_owner_id: 'recover', account_id: account.id });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const q = new URLSearchParams({
      redirect_uri: `${server.url}/embedded/accounts/callback`,
      token: s.token,
      connection_attempt_id: attempt.json.id,
      client_id: KUSTOMER_CLIENT.clientId,
      client_secret: KUSTOMER_CLIENT.clientSecret,
      org_name: 'acme',
    });
    const url = (await followToCallback(`${server.url}/connect/oauth2/${profiles.kustomer}?${q}`)).toString();
    expect(new URL(url).searchParams.get('account_id')).toBe(account.id);
    const r = await row(account.id);
    expect(r).toMatchObject({ status: 'active', status_reasons: [] });
    expect((await eventsOf(account.id)).at(-1)).toBe('account.updated');
    expect((await target(server, account.id)).account.status).toBe('active');
  });
});

describe('Salesforce: no expiry, refresh on 401', () => {
  it('expired session → 401 → one refresh → the retried call succeeds; refresh token kept', async () => {
    const account = await salesforceAccount(server, fakes, profiles.salesforce);
    const first = await target(server, account.id);
    fakes.salesforce.expireAccessTokens();
    const record = fakes.salesforce.fixture.actions.salesforce_get_account!.records[0] as { Id: string };
    const call = (t: Awaited<ReturnType<typeof target>>) =>
      undiciFetch(`${t.credentials.instance_url}/services/data/v60.0/sobjects/Account/${record.Id}`, {
        headers: { authorization: `Bearer ${t.credentials.access_token}` },
        dispatcher: shipped.internet.http,
      });
    const refused = await call(first);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    fakes.salesforce.reset();
    const again = await target(server, account.id, true);
    expect(fakes.salesforce.counts.refresh).toBe(1);
    expect((await call(again)).status).toBe(200);
    const stored = openCredentials(server, (await row(account.id)).credentials);
    expect(stored.refresh_token).toBe(first.credentials.refresh_token);
    // (An instance_url that moves to another Salesforce host is followed: test/shipped-connectors.test.ts.)
  });

  it('refuses an instance_url on a host the connector does not own', async () => {
    const account = await salesforceAccount(server, fakes, profiles.salesforce, 'evil-instance');
    // The next token answer names another host (the fixture's token fields are live).
    const fields = fakes.salesforce.fixture.token.fields;
    fields.instance_url = 'https://evil.example.com';
    try {
      const err = await target(server, account.id, true).catch((e: unknown) => e);
      expect((err as AppError).status).toBe(409);
    } finally {
      fields.instance_url = SALESFORCE_INSTANCE;
    }
    const r = await row(account.id);
    expect(r.status).toBe('error');
    expect(r.status_reasons[0].code).toBe('invalid_instance');
    expect(openCredentials(server, r.credentials).instance_url).toBe(SALESFORCE_INSTANCE);
  });

  it('keeps idle refresh tokens alive: the next refresh is due in 30 days', async () => {
    const account = await salesforceAccount(server, fakes, profiles.salesforce, 'idle');
    expect((await row(account.id)).next_refresh_at.getTime()).toBe(now + 30 * 24 * 3600 * 1000);
  });
});

describe('the refresh worker', () => {
  it('refreshes ahead of expiry, only what is due', async () => {
    await server.app.deps.db.query("UPDATE accounts SET status = 'inactive'");
    const account = await kustomerAccount(server, fakes, profiles.kustomer, {
      owner: 'worker',
      expiresAt: new Date(now + 3600_000),
    });
    expect((await row(account.id)).next_refresh_at.getTime()).toBe(now + 3600_000 - 360_000);
    const { startRefreshWorker } = await import('../src/jobs/refresh-worker.js');
    const worker = startRefreshWorker(server.app.deps);
    try {
      await worker.stop();
      fakes.kustomer.reset();
      expect(await worker.runOnce()).toEqual({ refreshed: 0, checked: 0 });
      now += 3600_000 - 300_000;
      expect(await worker.runOnce()).toEqual({ refreshed: 1, checked: 0 });
      expect(fakes.kustomer.counts.refresh).toBe(1);
      expect((await row(account.id)).token_expires_at.getTime()).toBe(now + 86400_000);
      expect(await worker.runOnce()).toEqual({ refreshed: 0, checked: 0 });
    } finally {
      await worker.stop();
    }
  });

  it('re-checks Oneflow tokens: a revoked token marks the account error; an outage does not', async () => {
    await server.app.deps.db.query("UPDATE accounts SET status = 'inactive'");
    const token = 'of-check-0123456789-abcdefghij-KLMNOPQRS';
    const user = { api_token: token, user_email: 'check@example.com' };
    fakes.oneflow.acceptConfig(user);
    const account = await insertAccount(server.app.deps, server.app.deps.db, {
      projectId: scope(),
      connectorProfileId: profiles.oneflow,
      provider: 'oneflow',
      originOwnerId: 'check',
      originOwnerName: 'C',
      setupInformation: { user_email: 'check@example.com' },
      secrets: { api_token: token },
    });
    expect((await row(account.id)).next_check_at.getTime()).toBe(now + 6 * 3600_000);
    const { startRefreshWorker } = await import('../src/jobs/refresh-worker.js');
    const worker = startRefreshWorker(server.app.deps);
    await worker.stop();
    now += 6 * 3600_000;
    fakes.oneflow.rateLimitNext(60);
    expect(await worker.runOnce()).toEqual({ refreshed: 0, checked: 1 });
    expect(fakes.oneflow.rateLimited).toBe(1);
    expect((await row(account.id)).status).toBe('active');
    now += 60_000;
    fakes.oneflow.refuseConfig(user);
    expect(await worker.runOnce()).toEqual({ refreshed: 0, checked: 1 });
    const r = await row(account.id);
    expect(r.status).toBe('error');
    expect(r.status_reasons[0].code).toBe('http_401');
    expect(await eventsOf(account.id)).toEqual(['account.error', 'account.updated']);
  });
});

describe('deleting an account', () => {
  it('revokes Salesforce tokens without blocking the deletion', async () => {
    const account = await salesforceAccount(server, fakes, profiles.salesforce, 'delete-me');
    const refresh = openCredentials(server, account.credentials).refresh_token!;
    fakes.salesforce.reset();
    const res = await api(server)('DELETE', `/accounts/${account.id}`);
    expect(res.status).toBe(200);
    for (let i = 0; i < 50 && fakes.salesforce.counts.revoke === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(fakes.salesforce.counts.revoke).toBe(1);
    expect(fakes.salesforce.isLiveRefreshToken(refresh)).toBe(false);
  });
});
