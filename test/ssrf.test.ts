import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createProfiles } from './helpers/linking.js';
import { linkKustomer, linkOneflow, onAccount } from './helpers/link-accounts.js';
import { json, startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

/**
 * Whatever a caller puts in `url`, `path`, a raw passthrough path, an action input or a paging
 * cursor, and wherever a provider redirects, the account's credentials reach no host but the
 * connector's. The "evil" server stands for any other host: it must never see a request.
 */
let server: TestServer;
let world: ShippedWorld;
let fakes: SeedFakes;
let evil: ScriptedUpstream;
let up: ScriptedUpstream;
let profiles: Awaited<ReturnType<typeof createProfiles>>;
const acc = { kustomer: '', oneflow: '', scripted: '' };

beforeAll(async () => {
  world = await startShippedWorld();
  fakes = world.fakes;
  // The private network stays allowed (the test server's default): the redirecting upstream and
  // the "evil" host are on loopback, so only the host-ownership checks keep the credentials home.
  server = await startTestServer({}, { workers: false, http: world.internet.http });
  evil = await startUpstream();
  up = await startUpstream();
  // Overrides kept on purpose: these are the host checks of overridden URLs themselves. The seed
  // profiles' overrides name the providers' real hosts (where the generic fakes answer, through
  // the internet stand-in); the redirecting Oneflow's base URL, its redirects and the "evil" host
  // are all on loopback, told apart by port, which is the hardest case for a host-ownership check.
  profiles = await createProfiles(server, fakes, { overrides: true });
  acc.kustomer = await linkKustomer(server, profiles);
  acc.oneflow = await linkOneflow(server, profiles);
  const scripted = await api(server)('POST', '/connector_profiles', {
    provider: 'oneflow',
    default: false,
    overrides: { base_url: `${up.url}/v1` },
  });
  acc.scripted = await linkOneflow(server, profiles, 'redirecting-owner', scripted.json.id);
});
afterAll(async () => {
  expect(evil.requests).toEqual([]);
  await server?.close();
  await world?.close();
  await evil?.close();
  await up?.close();
});

const kustomerHost = () => fakes.kustomer.urls.api.host;
/** One character of the sealed payload changed (the cipher's tag must catch it). */
const tamper = (cursor: string) => {
  const i = Math.floor(cursor.length / 2);
  return cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
};

describe('path tricks stay on the provider', () => {
  const tricks = () => [
    `//${evil.host}/steal`,
    `///${evil.host}/steal`,
    `@${evil.host}/steal`,
    `/@${evil.host}/steal`,
    `/%2e%2e/%2e%2e/${evil.host}/steal`,
    `/..%2f..%2f${evil.host}%2fsteal`,
    `/%252e%252e/${evil.host}`,
    `.${evil.host}/steal`,
    `:${evil.host.split(':')[1]}/steal`,
    `?next=http://${evil.host}/`,
  ];

  it("sends every one of them to the connector's host, with its credentials, and nowhere else", async () => {
    for (const path of tricks()) {
      const before = fakes.kustomer.requests.length;
      const res = await onAccount(server, acc.kustomer)('POST', '/unified/proxy', { path });
      expect(res.status, path).toBeLessThan(500);
      const seen = fakes.kustomer.requests.slice(before);
      expect(seen, path).toHaveLength(1);
      expect(seen[0]!.headers.host, path).toBe(kustomerHost());
    }
    expect(evil.requests).toEqual([]);
  });

  it('refuses absolute URLs, backslashes and control characters in path', async () => {
    const cases: Array<[string, string]> = [
      [`http://${evil.host}/steal`, 'path must be a path, not a URL: put a base URL in url'],
      [`HTTPS://${evil.host}/steal`, 'path must be a path, not a URL: put a base URL in url'],
      ['javascript:alert(1)', 'path must be a path, not a URL: put a base URL in url'],
      [`\\\\${evil.host}\\steal`, 'path must not contain control characters or backslashes'],
      [`/x\r\nHost: ${evil.host}`, 'path must not contain control characters or backslashes'],
    ];
    for (const [path, message] of cases) {
      const res = await onAccount(server, acc.kustomer)('POST', '/unified/proxy', { path });
      expect([res.status, res.json.message], path).toEqual([400, message]);
    }
  });

  it('keeps raw passthrough paths on the provider too', async () => {
    const auth = `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}`;
    const paths = [
      `//${evil.host}/steal`,
      `/%2e%2e/%2e%2e/${evil.host}`,
      `/..%2F..%2F${evil.host}`,
      `/@${evil.host}/x`,
      `/x?u=http://${evil.host}`,
    ];
    for (const p of paths) {
      const before = fakes.kustomer.requests.length;
      // node:http sends the path exactly as written (fetch would normalise the dots away).
      const status = await new Promise<number>((resolve, reject) => {
        const u = new URL(server.url);
        const req = http.request(
          {
            host: u.hostname,
            port: u.port,
            path: `/proxy/${acc.kustomer}${p}`,
            headers: { authorization: auth },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status, p).toBeLessThan(500);
      const seen = fakes.kustomer.requests.slice(before);
      expect(seen, p).toHaveLength(1);
      expect(seen[0]!.headers.host, p).toBe(kustomerHost());
    }
    expect(evil.requests).toEqual([]);
  });
});

describe('url must be a host the connector owns', () => {
  it('refuses other hosts, metadata addresses, userinfo and schemes', async () => {
    const k = fakes.kustomer.urls.api;
    const evilPort = evil.host.split(':')[1];
    const notOwned = (host: string) =>
      `url: ${host} is not a Kustomer host; the proxy only sends the account's credentials to Kustomer`;
    const cases: Array<[string, string]> = [
      [evil.url, notOwned(evil.host)],
      ['http://169.254.169.254/latest/meta-data/iam/', notOwned('169.254.169.254')],
      [`http://127.0.0.1:${evilPort}/`, notOwned(evil.host)],
      [`http://0x7f000001:${evilPort}/`, notOwned(evil.host)],
      [`http://[::1]:${evilPort}/`, notOwned(`[::1]:${evilPort}`)],
      [`http://${evil.host}#@${k.host}/`, notOwned(evil.host)],
      [`http://${evil.host}/?${k.host}`, notOwned(evil.host)],
      [`http://${k.host}@${evil.host}/`, 'url must not contain credentials'],
      [`http://user:pass@${k.host}/`, 'url must not contain credentials'],
      ['file:///etc/passwd', 'url must use https'],
      ['gopher://127.0.0.1:6379/_INFO', 'url must use https'],
      ['not a url', 'url is not an absolute URL'],
    ];
    for (const [url, message] of cases) {
      const res = await onAccount(server, acc.kustomer)('POST', '/unified/proxy', {
        url,
        path: '/v1/users/current',
      });
      expect([res.status, res.json.message], url).toEqual([400, message]);
    }
    // The redirecting Oneflow's own base URL is on loopback: another port there is another host.
    const onLoopback = await onAccount(server, acc.scripted)('POST', '/unified/proxy', {
      url: `http://127.0.0.1:${evilPort}/v1`,
      path: '/contracts',
    });
    expect([onLoopback.status, onLoopback.json.message]).toEqual([
      400,
      `url: ${evil.host} is not a Oneflow host; the proxy only sends the account's credentials to Oneflow`,
    ]);
    expect(evil.requests).toEqual([]);
  });

  it('refuses private addresses outright when the private network is not allowed', async () => {
    const strict = await startTestServer({ SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' }, { workers: false });
    try {
      const profile = await api(strict)('POST', '/connector_profiles', { provider: 'oneflow' });
      const account = await insertAccount(strict.app.deps, strict.app.deps.db, {
        projectId: strict.app.boot.project.projectId,
        connectorProfileId: profile.json.id,
        provider: 'oneflow',
        originOwnerId: 'strict',
        originOwnerName: 'Strict',
        secrets: { api_token: 'A'.repeat(40) },
        setupInformation: { user_email: 'a@example.com' },
      });
      const cases: Array<[string, string]> = [
        ['https://169.254.169.254/latest/meta-data/', 'url points at a private network address'],
        ['https://127.0.0.1/', 'url points at a private network address'],
        ['https://[::ffff:127.0.0.1]/', 'url points at a private network address'],
        ['https://metadata.google.internal/', 'url points at a private network host'],
        ['http://api.oneflow.com/v1', 'url must use https'],
      ];
      for (const [url, message] of cases) {
        const res = await onAccount(strict, account.id)('POST', '/unified/proxy', { url, path: '/' });
        expect([res.status, res.json.message], url).toEqual([400, message]);
      }
    } finally {
      await strict.close();
    }
  });
});

describe('redirects', () => {
  it('are not followed to another host; the credentials stay home', async () => {
    for (const location of [
      `${evil.url}/steal`,
      `//${evil.host}/steal`,
      `http://${evil.host}@127.0.0.1:1/`,
    ]) {
      up.script.push((_r, res) => res.writeHead(302, { location, 'content-length': '0' }).end());
      const res = await onAccount(server, acc.scripted)('POST', '/unified/proxy', { path: '/contracts' });
      expect(res.status, location).toBe(502);
      expect(res.json.message, location).toMatch(
        /^Oneflow redirected to .+, a host the connector does not own: not followed$/,
      );
    }
    up.script.push((_r, res) =>
      res.writeHead(307, { location: `${evil.url}/steal`, 'content-length': '0' }).end(),
    );
    const raw = await fetch(`${server.url}/proxy/${acc.scripted}/contracts`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(raw.status).toBe(502);
    await raw.text();
    expect(evil.requests).toEqual([]);
  });

  it("are followed on the connector's own host, with credentials", async () => {
    up.script.push(
      (_r, res) => res.writeHead(301, { location: '/v1/contracts/moved', 'content-length': '0' }).end(),
      json(200, { moved: true }),
    );
    const n = up.requests.length;
    const res = await onAccount(server, acc.scripted)('POST', '/unified/proxy', { path: '/contracts/old' });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ moved: true });
    const [first, second] = up.requests.slice(n);
    expect([first!.url, second!.url]).toEqual(['/v1/contracts/old', '/v1/contracts/moved']);
    expect(second!.headers['x-oneflow-api-token']).toBe(first!.headers['x-oneflow-api-token']);
  });
});

describe('actions', () => {
  it("path inputs cannot climb out of the action's path", async () => {
    for (const id of ['..', '../users/current', `..%2F..%2F${evil.host}`, `//${evil.host}`]) {
      const res = await onAccount(server, acc.kustomer)('POST', '/actions/rpc', {
        action: 'kustomer_get_customer',
        path: { id },
      });
      expect([res.status, res.json.message], id).toEqual([400, 'id: must match ^[A-Za-z0-9_-]{1,64}$']);
    }
  });

  it('paging cursors cannot be forged or moved to another account', async () => {
    const page = await onAccount(server, acc.kustomer)('POST', '/actions/rpc', {
      action: 'kustomer_list_customers',
      query: { page_size: 2 },
    });
    expect(typeof page.json.next).toBe('string');
    const forged = Buffer.from(
      JSON.stringify({ a: 'kustomer_list_customers', u: `${evil.url}/steal` }),
    ).toString('base64url');
    const second = await linkKustomer(server, profiles, 'kus-second');
    const cases: Array<[string, string]> = [
      [acc.kustomer, forged],
      [acc.kustomer, tamper(page.json.next as string)],
      [second, page.json.next as string],
    ];
    for (const [account, next] of cases) {
      const res = await onAccount(server, account)('POST', '/actions/rpc', {
        action: 'kustomer_list_customers',
        query: { next },
      });
      expect([res.status, res.json.message]).toEqual([
        400,
        'next: not a cursor from a previous page of kustomer_list_customers on this account',
      ]);
    }
    expect(evil.requests).toEqual([]);
  });
});

describe('the providers', () => {
  it('saw no request that breaks their rules', () => {
    for (const fake of [fakes.kustomer, fakes.oneflow]) expect(fake.problems).toEqual([]);
    expect(world.internet.refused).toEqual([]);
  });
});
