import { Agent, fetch as undiciFetch } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createProfiles, createSession, hub } from './helpers/linking.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

let server: TestServer;
let fakes: SeedFakes;
const world = useWorld({ workers: false, profiles: false });
beforeAll(async () => {
  ({ server, fakes } = world);
});

/** A client on another loopback address: the server sees a different IP. */
const elsewhere = new Agent({ localAddress: '127.0.0.2' });
const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

describe('API key guessing', () => {
  it('is answered with 429 + Retry-After after 30 failures; a valid key still works, from that address and elsewhere', async () => {
    // A server of its own: this test blocks 127.0.0.1 on it.
    const target = await startTestServer({}, { workers: false });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++)
        statuses.push((await fetch(`${target.url}/accounts`, { headers: basic(`sbk_guess_${i}`) })).status);
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
      const refused = await fetch(`${target.url}/accounts`, { headers: basic('sbk_guess_again') });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ statusCode: 429 });
      // Valid credentials are checked first and never refused: a client that shares the guesser's
      // address (everyone behind an untrusted proxy) is not locked out.
      expect((await fetch(`${target.url}/accounts`, { headers: basic(target.apiKey) })).status).toBe(200);
      for (let i = 0; i < 5; i++) {
        const res = await undiciFetch(`${target.url}/accounts`, {
          headers: basic(target.apiKey),
          dispatcher: elsewhere,
        });
        expect(res.status).toBe(200);
      }
    } finally {
      await target.close();
    }
  });
});

describe('session token abuse', () => {
  it("refuses expired, truncated, reused-after-expiry and other projects' tokens; attempts are per session", async () => {
    const profiles = await createProfiles(server, fakes);
    void profiles;
    const call = (token: string) =>
      undiciFetch(`${server.url}/hub/connectors`, {
        headers: { 'x-hub-session-token': token },
        dispatcher: new Agent({ localAddress: '127.0.0.3' }),
      });
    const s = await createSession(server, { origin_owner_id: 'abuse' });
    expect((await call(s.token)).status).toBe(200);
    expect((await call(s.token.slice(0, 20))).status).toBe(401);
    expect((await call(`${s.token}x`)).status).toBe(401);
    await server.app.deps.db.query(
      "UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [s.id],
    );
    expect((await call(s.token)).status).toBe(401);

    // Connection attempts are bound to their session: another session's token cannot poll or cancel.
    const a = await createSession(server, { origin_owner_id: 'a' });
    const b = await createSession(server, { origin_owner_id: 'b' });
    const attempt = await hub(server, a.token)('POST', '/hub/connection_attempts', { token: a.token });
    expect((await hub(server, b.token)('GET', `/hub/connection_attempts/${attempt.json.id}`)).status).toBe(
      404,
    );
    expect((await hub(server, b.token)('DELETE', `/hub/connection_attempts/${attempt.json.id}`)).status).toBe(
      404,
    );
    expect(
      (await hub(server, a.token)('GET', `/hub/connection_attempts/${attempt.json.id}`)).json.status,
    ).toBe('pending');

    // Review L7: a leaked Auth Link is revoked at once; another project cannot revoke it.
    const leaked = await createSession(server, { origin_owner_id: 'leaked' });
    expect((await call(leaked.token)).status).toBe(200);
    const otherProject = await createProject(server.app.deps.db, 'Revoker');
    const otherKey = generateApiKey();
    await addApiKey(server.app.deps.db, otherProject.projectId, otherKey);
    expect((await api(server, otherKey)('DELETE', `/connect_sessions/${leaked.id}`)).status).toBe(404);
    expect((await call(leaked.token)).status).toBe(200);
    const revoked = await api(server)('DELETE', `/connect_sessions/${leaked.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.json.revoked).toBe(true);
    expect((await call(leaked.token)).status).toBe(401);

    // Review M9: one session token cannot mint attempts without end (it made 2,000 in 3.6 s).
    const flood = await createSession(server, { origin_owner_id: 'flood' });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push(
        (await hub(server, flood.token)('POST', '/hub/connection_attempts', { token: flood.token })).status,
      );
    expect(statuses.slice(0, 20).every((st) => st === 201)).toBe(true);
    expect(statuses.slice(20).every((st) => st === 429)).toBe(true);
    const rows = await server.app.deps.db.query(
      'SELECT count(*)::int AS n FROM connection_attempts WHERE connect_session_id = $1',
      [flood.id],
    );
    expect(rows.rows[0].n).toBe(20);

    // Another project's session token sees only its own project.
    const other = await createProject(server.app.deps.db, 'Other');
    const key = generateApiKey();
    await addApiKey(server.app.deps.db, other.projectId, key);
    const foreign = await api(server, key)('POST', '/connect_sessions', {
      origin_owner_id: 'x',
      origin_owner_name: 'X',
    });
    expect((await hub(server, foreign.json.token)('GET', '/hub/connectors')).json.integrations).toEqual([]);
  });
});
