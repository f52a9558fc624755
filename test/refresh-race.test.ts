// Regression: when the provider rejects an access token before its recorded expiry (revoked,
// expired early), 20 concurrent proxy calls on the account caused 2 token requests. A caller whose
// 401 arrived after another caller's refresh had committed refreshed again, because the token it
// compared under the lock was re-read from the database instead of the one its request carried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { kustomerAccount, openCredentials } from './helpers/accounts.js';
import { onAccount } from './helpers/link-accounts.js';
import { registerCallbacks, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { generateKeySpec } from '../src/core/vault.js';

// Kustomer as shipped: the fake answers at acme.api.kustomerapp.com and api.apps.kustomerapp.com.
let world: ShippedWorld;
let fakes: SeedFakes;
let first: TestServer;
let second: TestServer;
const profiles = { kustomer: '' };
const keys = generateKeySpec('race');

beforeAll(async () => {
  world = await startShippedWorld();
  fakes = world.fakes;
  const env = { SWITCHBOARD_ENCRYPTION_KEYS: keys, SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' };
  first = await startTestServer(env, { workers: false, http: world.internet.http });
  second = await startTestServer(env, {
    workers: false,
    databaseUrl: first.databaseUrl,
    http: world.internet.http,
  });
  registerCallbacks(first, fakes);
  profiles.kustomer = (await api(first)('POST', '/connector_profiles', { provider: 'kustomer' })).json.id;
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await world?.close();
  expect(world.internet.refused).toEqual([]);
});

/**
 * Links a Kustomer account (a day before expiry, rotating refresh tokens), warms each server's
 * cache with its token, then has Kustomer kill the token on its side and answers the next API
 * calls 0–190 ms apart: the 401s of the later calls arrive after the first refresh committed.
 */
async function rejectedTokenStorm(servers: TestServer[], owner: string) {
  const account = await kustomerAccount(first, fakes, profiles.kustomer, { owner });
  const old = openCredentials(first, account.credentials);
  for (const s of servers)
    expect(
      (await onAccount(s, account.id)('POST', '/unified/proxy', { path: '/v1/customers?pageSize=1' })).status,
    ).toBe(200);
  fakes.kustomer.reset();
  fakes.kustomer.expireAccessTokens();
  fakes.kustomer.delayApi((n) => (n < 20 ? n * 10 : 0));
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      onAccount(servers[i % servers.length]!, account.id)('POST', '/unified/proxy', {
        path: '/v1/customers?pageSize=1',
      }),
    ),
  );
  fakes.kustomer.delayApi(0);
  return { account, old, results };
}

describe('a provider 401 before the recorded expiry', () => {
  it('one process: 20 concurrent calls → exactly 1 token request, all 20 succeed, no refresh token reused', async () => {
    const { old, results } = await rejectedTokenStorm([first], 'race-one');
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(fakes.kustomer.counts.refresh).toBe(1);
    expect(fakes.kustomer.reusedRefreshTokens).toBe(0);
    expect(fakes.kustomer.isLiveRefreshToken(old.refresh_token!)).toBe(false);
  });

  it('two processes on one database: 20 concurrent calls → exactly 1 token request, all 20 succeed', async () => {
    const { account, results } = await rejectedTokenStorm([first, second], 'race-two');
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(fakes.kustomer.counts.refresh).toBe(1);
    expect(fakes.kustomer.reusedRefreshTokens).toBe(0);
    const row = (
      await first.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [account.id])
    ).rows[0];
    expect(fakes.kustomer.isLiveRefreshToken(openCredentials(first, row.credentials).refresh_token!)).toBe(
      true,
    );
  });
});
