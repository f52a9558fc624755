import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers/server.js';
import { createProfiles } from './helpers/linking.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { kustomerAccount, openCredentials } from './helpers/accounts.js';
import { runSwitchboard } from './helpers/process.js';
import { refreshAccount } from '../src/core/credentials/refresh.js';
import { generateKeySpec } from '../src/core/vault.js';

/**
 * SIGKILL a server process at random points while its worker refreshes tokens. Afterwards no
 * account may be in `error` unless Kustomer really invalidated the refresh token it holds, and
 * the next refresh of every other account must work. Kustomer runs as shipped: the killed
 * processes reach its real host names through their outbound proxy setting.
 */
const TRIALS = 20;
const ACCOUNTS_PER_TRIAL = 4;

let world: ShippedWorld;
let fakes: SeedFakes;
let setup: TestServer;
let profiles: Awaited<ReturnType<typeof createProfiles>>;
const keys = generateKeySpec('chaos');

beforeAll(async () => {
  world = await startShippedWorld();
  fakes = world.fakes;
  setup = await startShippedServer(world, { SWITCHBOARD_ENCRYPTION_KEYS: keys }, { workers: false });
  profiles = await createProfiles(setup, fakes);
});
afterAll(async () => {
  await setup?.close();
  await world?.close();
});

// A deterministic sequence of "random" kill points, so a failure can be replayed.
let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('refresh under SIGKILL', () => {
  it(`${TRIALS} trials: no wedged account, no error without a really dead token`, async () => {
    const env = {
      DATABASE_URL: setup.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: keys,
      ...world.internet.processEnv,
    };
    const summary = { killedMidRefresh: 0, errored: 0, refreshedBeforeKill: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      await setup.app.deps.db.query("UPDATE accounts SET status = 'inactive' WHERE status = 'active'");
      const accounts = await Promise.all(
        Array.from({ length: ACCOUNTS_PER_TRIAL }, (_, i) =>
          kustomerAccount(setup, fakes, profiles.kustomer, {
            owner: `chaos-${trial}-${i}`,
            expiresAt: new Date(Date.now() - 1000),
          }),
        ),
      );
      fakes.kustomer.delayToken(Math.floor(random() * 120));
      const before = fakes.kustomer.counts.refresh;
      const child = runSwitchboard(['start', '--port', '0'], env);
      await child.ready;
      // The worker's first pass starts ~200 ms after boot; kill somewhere around it.
      await new Promise((r) => setTimeout(r, 150 + random() * 300));
      child.child.kill('SIGKILL');
      await child.exited;
      if (fakes.kustomer.counts.refresh > before) summary.killedMidRefresh++;
      fakes.kustomer.delayToken(0);
      // Give the provider time to finish requests the dead process left in flight.
      await new Promise((r) => setTimeout(r, 150));

      for (const a of accounts) {
        const row = (await setup.app.deps.db.query('SELECT * FROM accounts WHERE id = $1', [a.id])).rows[0];
        const stored = openCredentials(setup, row.credentials);
        if (row.status === 'error') {
          summary.errored++;
          expect(fakes.kustomer.isLiveRefreshToken(stored.refresh_token!)).toBe(false);
          continue;
        }
        expect(row.status).toBe('active');
        if (stored.access_token !== openCredentials(setup, a.credentials).access_token)
          summary.refreshedBeforeKill++;
        // Nothing is wedged: the next refresh goes through (the dead process's lock is gone).
        if (!fakes.kustomer.isLiveRefreshToken(stored.refresh_token!)) {
          // Rotated at Kustomer, lost with the process: Kustomer really invalidated it.
          const outcome = await refreshAccount(setup.app.deps, a.id, stored.access_token!).catch(
            (e: Error) => e.message,
          );
          expect(outcome).toMatch(/reconnected/);
          summary.errored++;
          continue;
        }
        await expect(refreshAccount(setup.app.deps, a.id, stored.access_token!)).resolves.toBe('refreshed');
        const after = openCredentials(
          setup,
          (await setup.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [a.id])).rows[0]
            .credentials,
        );
        expect(fakes.kustomer.isLiveAccessToken(after.access_token!)).toBe(true);
      }
    }
    console.log(
      `refresh chaos: ${TRIALS} trials × ${ACCOUNTS_PER_TRIAL} accounts; kills during refresh traffic: ${summary.killedMidRefresh}; refreshed before the kill: ${summary.refreshedBeforeKill}; lost to a token Kustomer had rotated: ${summary.errored}`,
    );
    expect(summary.killedMidRefresh).toBeGreaterThan(0);
    expect(world.internet.refused).toEqual([]);
  }, 180_000);
});
