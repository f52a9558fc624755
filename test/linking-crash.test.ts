import { cookieJar } from './helpers/cookie-jar.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followToCallback } from './helpers/link-accounts.js';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createSession, hub, KUSTOMER_CLIENT } from './helpers/linking.js';
import { startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { runSwitchboard } from './helpers/process.js';
import { freePort } from '../src/store/embedded.js';
import { generateKeySpec } from '../src/core/vault.js';
import { housekeeping } from '../src/jobs/housekeeping.js';

/**
 * SIGKILL while the OAuth callback is exchanging the code: nothing half-created, the attempt ends
 * in error, a retry works. Kustomer runs as shipped: the killed `switchboard start` reaches its
 * real host names through its outbound proxy setting, and the browser through the same internet.
 */
let world: ShippedWorld;
let fakes: SeedFakes;
let setup: TestServer;
let now = Date.now();
const keys = generateKeySpec('crash');

beforeAll(async () => {
  world = await startShippedWorld();
  fakes = world.fakes;
  setup = await startTestServer(
    { SWITCHBOARD_ENCRYPTION_KEYS: keys },
    { workers: false, clock: () => new Date(now) },
  );
});
afterAll(async () => {
  await setup?.close();
  await world?.close();
});

describe('SIGKILL during linking', () => {
  it('leaves no account, ends the attempt in error, and a retry links once', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    fakes.kustomer.allowRedirectUri(`${url}/connect/oauth2/kustomer/callback`);
    const profile = (await api(setup)('POST', '/connector_profiles', { provider: 'kustomer' })).json.id;
    const env = {
      DATABASE_URL: setup.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: keys,
      SWITCHBOARD_API_KEY: setup.apiKey,
      ...world.internet.processEnv,
    };
    const child = runSwitchboard(['start', '--port', String(port)], env);
    await child.ready;
    const viaChild = { ...setup, url } as TestServer;

    const s = await createSession(viaChild, { origin_owner_id: 'crash-owner' });
    const attempt = (await hub(viaChild, s.token)('POST', '/hub/connection_attempts', { token: s.token }))
      .json.id as string;
    const q = new URLSearchParams({
      redirect_uri: `${url}/embedded/accounts/callback`,
      token: s.token,
      connection_attempt_id: attempt,
      client_id: KUSTOMER_CLIENT.clientId,
      client_secret: KUSTOMER_CLIENT.clientSecret,
      org_name: 'acme',
    });
    const browser = cookieJar(world.internet.http);
    const authorize = (
      await browser(`${url}/connect/oauth2/${profile}?${q}`, { redirect: 'manual' })
    ).headers.get('location')!;
    const callback = (await browser(authorize, { redirect: 'manual' })).headers.get('location')!;

    fakes.kustomer.delayToken(1500);
    const inFlight = browser(callback, { redirect: 'manual' }).catch(() => null);
    await new Promise((r) => setTimeout(r, 400));
    child.child.kill('SIGKILL');
    await child.exited;
    await inFlight;
    fakes.kustomer.delayToken(0);

    const accounts = await setup.app.deps.db.query(
      "SELECT count(*)::int AS n FROM accounts WHERE origin_owner_id = 'crash-owner'",
    );
    expect(accounts.rows[0].n).toBe(0);
    expect((await hub(setup, s.token)('GET', `/hub/connection_attempts/${attempt}`)).json.status).toBe(
      'pending',
    );
    now += 3 * 60_000;
    expect((await housekeeping(setup.app.deps)).interrupted).toBe(1);
    const ended = (await hub(setup, s.token)('GET', `/hub/connection_attempts/${attempt}`)).json;
    expect(ended).toMatchObject({ status: 'error', error: { code: 'interrupted' } });
    now = Date.now();

    // The user tries again (a new attempt) on a restarted server: linked once.
    const again = runSwitchboard(['start', '--port', String(port)], env);
    await again.ready;
    try {
      const attempt2 = (await hub(viaChild, s.token)('POST', '/hub/connection_attempts', { token: s.token }))
        .json.id as string;
      const q2 = new URLSearchParams({
        redirect_uri: `${url}/embedded/accounts/callback`,
        token: s.token,
        connection_attempt_id: attempt2,
        client_id: KUSTOMER_CLIENT.clientId,
        client_secret: KUSTOMER_CLIENT.clientSecret,
        org_name: 'acme',
      });
      const next = (await followToCallback(`${url}/connect/oauth2/${profile}?${q2}`)).toString();
      expect(new URL(next).searchParams.get('status')).toBe('success');
      const after = await setup.app.deps.db.query(
        "SELECT count(*)::int AS n FROM accounts WHERE origin_owner_id = 'crash-owner'",
      );
      expect(after.rows[0].n).toBe(1);
      expect(world.internet.refused).toEqual([]);
      expect(fakes.kustomer.problems).toEqual([]);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  }, 60_000);
});
