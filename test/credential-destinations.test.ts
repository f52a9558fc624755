// Security review M2 and M3, replayed.
// M2: token exchange, refresh, revoke and test actions used a fetch without the connect-time DNS
// check, so an override on a name that resolves to 127.0.0.1 was fetched with credentials.
// M3: repointing a profile's overrides (token_url, base_url) moved every existing account's
// tokens and client secrets to the new host on its next call or refresh.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import dns from 'node:dns';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import {
  createProfiles,
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
} from './helpers/linking.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { linkKustomer, onAccount } from './helpers/link-accounts.js';
import { startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { guardedLookup } from '../src/core/provider-calls/http.js';
import { cookieJar } from './helpers/cookie-jar.js';

describe('M3: a changed override applies to accounts linked afterwards', () => {
  let server: TestServer;
  let world: ShippedWorld;
  let fakes: SeedFakes;
  let collector: ScriptedUpstream;
  let profiles: Awaited<ReturnType<typeof createProfiles>>;
  beforeAll(async () => {
    world = await startShippedWorld();
    fakes = world.fakes;
    // The collector listens on loopback: the private-network switch is on, so that a call or
    // refresh that followed the changed override would really reach it.
    server = await startShippedServer(world, { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' }, { workers: false });
    collector = await startUpstream();
    // Overrides kept on purpose: this tests what a changed override does to accounts linked
    // under the earlier URLs, so the accounts are linked through overrides to begin with (they
    // name Kustomer's real hosts).
    profiles = await createProfiles(server, fakes, { overrides: true });
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
    await collector?.close();
  });

  it('existing accounts keep calling and refreshing where they were linked; the collector sees nothing', async () => {
    const accountId = await linkKustomer(server, profiles, 'rekey-owner');
    const patched = await api(server)('PATCH', `/connector_profiles/${profiles.kustomer}`, {
      overrides: { token_url: `${collector.url}/oauth/token`, base_url: collector.url },
    });
    expect(patched.status).toBe(200);
    const call = () =>
      onAccount(server, accountId)('POST', '/unified/proxy', { path: '/v1/customers?pageSize=1' });
    expect((await call()).status).toBe(200);
    // The provider kills the token: the refresh goes to Kustomer's token URL, as when linked.
    fakes.kustomer.reset();
    fakes.kustomer.expireAccessTokens();
    expect((await call()).status).toBe(200);
    expect(fakes.kustomer.counts.refresh).toBe(1);
    expect(collector.requests).toEqual([]);
    // The account still records the URLs it was linked under; relinking it takes the new ones.
    const { rows } = await server.app.deps.db.query<{ endpoint_overrides: Record<string, string | null> }>(
      'SELECT endpoint_overrides FROM accounts WHERE id = $1',
      [accountId],
    );
    expect(rows[0]!.endpoint_overrides.token_url).toBe(fakes.kustomer.urls.token!.href);
    expect(rows[0]!.endpoint_overrides.token_url).toBe('https://api.apps.kustomerapp.com/oauth/token');
    expect(world.internet.refused).toEqual([]);
    expect(fakes.kustomer.problems).toEqual([]);
  });
});

describe('M2: every outbound call gets the connect-time private-address check', () => {
  let server: TestServer;
  let internal: net.Server;
  let connections = 0;
  let port = 0;
  beforeAll(async () => {
    // An internal service: it must never see a connection.
    internal = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    port = (internal.address() as AddressInfo).port;
    // DNS as a hosts-file entry or split-horizon DNS would answer: *.internal.test → 127.0.0.1.
    const resolve = ((
      hostname: string,
      options: dns.LookupAllOptions,
      callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
    ) => {
      if (hostname.endsWith('.internal.test')) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
      return dns.lookup(hostname, options, callback);
    }) as Parameters<typeof guardedLookup>[0];
    const http = new Agent({ connect: { timeout: 5_000, lookup: guardedLookup(resolve) } });
    server = await startTestServer({ SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' }, { workers: false, http });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((r) => internal.close(() => r()));
  });

  it('a test action on an override that resolves to 127.0.0.1 is refused before connecting', async () => {
    const profile = await api(server)('POST', '/connector_profiles', {
      provider: 'oneflow',
      overrides: { base_url: `https://svc.internal.test:${port}/v1` },
    });
    expect(profile.status, profile.text).toBe(201);
    const s = await createSession(server, { origin_owner_id: 'ssrf-of' });
    const res = await hub(server, s.token)('POST', '/hub/accounts', {
      integration_id: profile.json.id,
      credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).not.toContain('INTERNAL');
    expect(connections).toBe(0);
  });

  it('a token exchange on an override that resolves to 127.0.0.1 is refused before connecting', async () => {
    const profile = await api(server)('POST', '/connector_profiles', {
      provider: 'kustomer',
      overrides: {
        authorization_url: 'https://auth.example.com/oauth/authorize',
        token_url: `https://token.internal.test:${port}/oauth/token`,
        base_url: `https://api.internal.test:${port}`,
      },
    });
    expect(profile.status, profile.text).toBe(201);
    const s = await createSession(server, { origin_owner_id: 'ssrf-kus' });
    const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
    const q = new URLSearchParams({
      redirect_uri: 'https://app.example.com/embedded/accounts/callback',
      token: s.token,
      connection_attempt_id: attempt.json.id,
      client_id: KUSTOMER_CLIENT.clientId,
      client_secret: KUSTOMER_CLIENT.clientSecret,
      org_name: 'acme',
    });
    const browser = cookieJar();
    const begin = await browser(`${server.url}/connect/oauth2/${profile.json.id}?${q}`, {
      redirect: 'manual',
    });
    expect(begin.status).toBe(302);
    const state = new URL(begin.headers.get('location')!).searchParams.get('state')!;
    const callback = await browser(`${server.url}/connect/oauth2/kustomer/callback?code=abc&state=${state}`, {
      redirect: 'manual',
    });
    expect(new URL(callback.headers.get('location')!).searchParams.get('status')).toBe('error');
    expect(
      (await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt.json.id}`)).json.status,
    ).toBe('error');
    expect(connections).toBe(0);
  });
});
