// Security review M7: our Hub put the end user's client secret and the session token on the
// popup's GET URL, where browser history and every proxy's access log keep them. Now the fields
// go to the server in a body and the popup URL carries a one-time launch id only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from './helpers/server.js';
import { createSession, hub, KUSTOMER_CLIENT } from './helpers/linking.js';
import { cookieJar as jarOver } from './helpers/cookie-jar.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';

// Kustomer as shipped: the popup goes to api.apps.kustomerapp.com itself (the fakes at the real hosts).
let world: ShippedWorld;
let server: TestServer;
const profiles = { kustomer: '' };
beforeAll(async () => {
  world = await startShippedWorld();
  server = await startShippedServer(world);
  profiles.kustomer = (await api(server)('POST', '/connector_profiles', { provider: 'kustomer' })).json.id;
});
afterAll(async () => {
  await server?.close();
  await world?.close();
});

/** A fresh browser that reaches the providers' real hosts. */
const cookieJar = () => jarOver(world.internet.http);

const fields = {
  client_id: KUSTOMER_CLIENT.clientId,
  client_secret: KUSTOMER_CLIENT.clientSecret,
  org_name: 'acme',
};
const redirect_uri = 'https://app.example.com/embedded/accounts/callback';

async function follow(browser: ReturnType<typeof cookieJar>, url: string) {
  let current = url;
  for (let i = 0; i < 6; i++) {
    const res = await browser(current, { redirect: 'manual' });
    const loc = res.headers.get('location');
    if (!loc) return { status: res.status, text: await res.text(), final: current };
    const next = new URL(loc, current);
    if (next.pathname.endsWith('/embedded/accounts/callback'))
      return { status: res.status, text: '', final: next.toString() };
    current = next.toString();
  }
  throw new Error('too many redirects');
}

describe('the popup launched by id', () => {
  it('links Kustomer with no secret and no session token in any URL the browser visits', async () => {
    const s = await createSession(server, { origin_owner_id: 'launch-owner' });
    const res = await hub(server, s.token)('POST', '/hub/connection_attempts', {
      token: s.token,
      integration_id: profiles.kustomer,
      redirect_uri,
      fields,
    });
    expect(res.status).toBe(201);
    const launch = new URL(res.json.launch_url);
    expect([...launch.searchParams.keys()]).toEqual(['launch']);
    const browser = cookieJar();
    const visited: string[] = [];
    let current = launch.toString();
    for (let i = 0; i < 6; i++) {
      visited.push(current);
      const r = await browser(current, { redirect: 'manual' });
      const next = new URL(r.headers.get('location')!, current);
      if (next.pathname.endsWith('/embedded/accounts/callback')) {
        visited.push(next.toString());
        expect(next.searchParams.get('status')).toBe('success');
        break;
      }
      current = next.toString();
    }
    for (const url of visited) {
      expect(url).not.toContain(KUSTOMER_CLIENT.clientSecret);
      expect(url).not.toContain(encodeURIComponent(s.token));
      expect(url).not.toContain(s.token);
    }
    expect((await hub(server, s.token)('GET', `/hub/connection_attempts/${res.json.id}`)).json.status).toBe(
      'authenticated',
    );
    // The sealed fields are gone with the launch.
    const row = await server.app.deps.db.query(
      'SELECT launch_hash, launch_sealed FROM connection_attempts WHERE id = $1',
      [res.json.id],
    );
    expect(row.rows[0]).toEqual({ launch_hash: null, launch_sealed: null });
  });

  it('a launch id works once', async () => {
    const s = await createSession(server, { origin_owner_id: 'launch-twice' });
    const res = await hub(server, s.token)('POST', '/hub/connection_attempts', {
      token: s.token,
      integration_id: profiles.kustomer,
      redirect_uri,
      fields,
    });
    const first = await cookieJar()(res.json.launch_url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const again = await follow(cookieJar(), res.json.launch_url);
    expect(again.status).toBe(401);
    expect(again.text).toMatch(/sign-in window has expired/);
  });

  it('a refused launch leaves no attempt behind', async () => {
    const s = await createSession(server, { origin_owner_id: 'launch-bad' });
    const before = (
      await server.app.deps.db.query(
        'SELECT count(*)::int AS n FROM connection_attempts WHERE connect_session_id = $1',
        [s.id],
      )
    ).rows[0].n;
    const res = await hub(server, s.token)('POST', '/hub/connection_attempts', {
      token: s.token,
      integration_id: profiles.kustomer,
      redirect_uri: 'https://evil.example.com/x',
      fields,
    });
    expect(res.status).toBe(400);
    const after = (
      await server.app.deps.db.query(
        'SELECT count(*)::int AS n FROM connection_attempts WHERE connect_session_id = $1',
        [s.id],
      )
    ).rows[0].n;
    expect(after).toBe(before);
  });
});

describe('states per attempt (review M9)', () => {
  it("a new begin replaces the attempt's state; housekeeping removes states of ended attempts", async () => {
    const s = await createSession(server, { origin_owner_id: 'states-owner' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const q = new URLSearchParams({
      redirect_uri,
      token: s.token,
      connection_attempt_id: attempt.json.id,
      ...fields,
    });
    for (let i = 0; i < 5; i++)
      expect(
        (await fetch(`${server.url}/connect/oauth2/${profiles.kustomer}?${q}`, { redirect: 'manual' }))
          .status,
      ).toBe(302);
    const states = async () =>
      (
        await server.app.deps.db.query('SELECT count(*)::int AS n FROM oauth_states WHERE attempt_id = $1', [
          attempt.json.id,
        ])
      ).rows[0].n;
    expect(await states()).toBe(1);
    await hub(server, s.token)('DELETE', `/hub/connection_attempts/${attempt.json.id}`);
    const { housekeeping } = await import('../src/jobs/housekeeping.js');
    await housekeeping(server.app.deps);
    expect(await states()).toBe(0);
  });
});
