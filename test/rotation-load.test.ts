import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers/server.js';
import { createProfiles } from './helpers/linking.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { kustomerAccount, openCredentials } from './helpers/accounts.js';
import { createVault, generateKeySpec, parseKeyRing } from '../src/core/vault.js';
import { rotateEncryption } from '../src/cli/encryption.js';
import { accountTarget } from '../src/core/credentials/open.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';

/**
 * Key rotation while tokens are being refreshed: the re-encryption never overwrites a value
 * that changed under it, so no refreshed token is lost and everything ends under the new key.
 */
let fakes: SeedFakes;
let oldServer: TestServer;
let newServer: TestServer;
let shipped: ShippedWorld;
const oldRing = generateKeySpec('old');
const newRing = `${generateKeySpec('new')},${oldRing}`;

beforeAll(async () => {
  shipped = await startShippedWorld();
  fakes = shipped.fakes;
  oldServer = await startShippedServer(shipped, { SWITCHBOARD_ENCRYPTION_KEYS: oldRing }, { workers: false });
});
afterAll(async () => {
  await newServer?.close();
  await oldServer?.close();
  await shipped?.close();
});

describe('encryption key rotation under load', () => {
  it('re-encrypts 300 accounts while 100 of them are being refreshed; nothing lost', async () => {
    const profiles = await createProfiles(oldServer, fakes);
    const accounts = [];
    for (let i = 0; i < 300; i++)
      accounts.push(
        await kustomerAccount(oldServer, fakes, profiles.kustomer, {
          owner: `rot-${i}`,
          expiresAt: new Date(Date.now() - 1000),
        }),
      );
    // The servers restart with the new key first in the ring; then the rotation runs beside them.
    newServer = await startShippedServer(
      shipped,
      { SWITCHBOARD_ENCRYPTION_KEYS: newRing },
      { workers: false, databaseUrl: oldServer.databaseUrl },
    );
    const scope = {
      projectId: newServer.app.boot.project.projectId,
      organizationId: newServer.app.boot.project.organizationId,
    };
    fakes.kustomer.delayToken(5);
    const refreshing = Promise.all(
      accounts.slice(0, 100).map((a) => accountTarget(newServer.app.deps, scope, a.id)),
    );
    const rotated = rotateEncryption(newServer.app.deps.db, createVault(parseKeyRing(newRing)), 25);
    const [targets, counts] = await Promise.all([refreshing, rotated]);
    fakes.kustomer.delayToken(0);
    // A second pass picks up whatever changed under the first one.
    await rotateEncryption(newServer.app.deps.db, createVault(parseKeyRing(newRing)));
    expect(counts['accounts.credentials']! + 100).toBeGreaterThanOrEqual(300);

    const left = await newServer.app.deps.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM accounts WHERE credentials NOT LIKE 'v1.new.%' OR secrets NOT LIKE 'v1.new.%'",
    );
    expect(left.rows[0]!.n).toBe(0);
    // Every refreshed token survived: what is stored is what the caller got, and it works.
    for (const t of targets) {
      const stored = openCredentials(
        newServer,
        (await newServer.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [t.account.id]))
          .rows[0].credentials,
      );
      expect(stored.access_token).toBe(t.credentials.access_token);
      expect(fakes.kustomer.isLiveRefreshToken(stored.refresh_token!)).toBe(true);
    }
    expect(fakes.kustomer.reusedRefreshTokens).toBe(0);
    expect(fakes.kustomer.problems).toEqual([]);
  }, 60_000);
});
