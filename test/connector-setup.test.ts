// The Kustomer setup helper, run as shipped: its calls go to api.kustomerapp.com, where a fake of
// Kustomer's Apps Platform (seed 001) answers through the test internet.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectors } from '../src/connectors/loader.js';
import type { Connector } from '../src/connectors/schema.js';
import { runSetupHelper, SetupHelperError } from '../src/connectors/setup-helper.js';
import { startInternet, type Internet } from './helpers/internet.js';
import { runSwitchboard } from './helpers/process.js';

const calls: Array<{ method: string; host: string; path: string; auth: string | undefined; body: any }> = [];
let apps: http.Server;
let internet: Internet;
let kustomer: Connector;

function appsPlatform(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
  const body = raw ? JSON.parse(raw) : undefined;
  calls.push({
    method: req.method!,
    host: req.headers.host!,
    path: req.url!,
    auth: req.headers.authorization,
    body,
  });
  res.setHeader('content-type', 'application/json');
  if (req.headers.authorization !== 'Bearer admin-key') {
    res.statusCode = 401;
    return res.end(
      JSON.stringify({ errors: [{ status: 401, title: 'Unauthorized', detail: 'Invalid API key' }] }),
    );
  }
  if (req.method === 'POST' && req.url === '/v1/apps/available') {
    const name = `${body.app}_org123`;
    return res.end(
      JSON.stringify({
        data: {
          type: 'available_app',
          id: `${name}-${body.version}`,
          attributes: {
            name,
            version: body.version,
            visibility: body.visibility,
            redirectUris: body.redirectUris,
            clientId: 'client-xyz',
          },
        },
      }),
    );
  }
  if (req.method === 'POST' && req.url === '/v1/apps/available/switchboard_org123/secret/') {
    return res.end(
      JSON.stringify({
        data: {
          type: 'available_app',
          attributes: { name: 'switchboard_org123', clientId: 'client-xyz', clientSecret: 'secret-abc' },
        },
      }),
    );
  }
  res.statusCode = 404;
  res.end('{}');
}

beforeAll(async () => {
  apps = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => appsPlatform(req, res, raw));
  });
  await new Promise<void>((r) => apps.listen(0, '127.0.0.1', r));
  internet = await startInternet([
    { hosts: ['api.kustomerapp.com'], port: (apps.address() as AddressInfo).port, paths: ['/v1/apps'] },
  ]);
  kustomer = (await loadConnectors()).get('kustomer')!;
});
afterAll(async () => {
  await internet.close();
  await new Promise<void>((r) => apps.close(() => r()));
});

const viaInternet = ((url: string | URL, init?: RequestInit) =>
  undiciFetch(url, { ...(init as object), dispatcher: internet.http })) as unknown as typeof fetch;
const callbackUrl = 'https://sb.example.com/connect/oauth2/kustomer/callback';

describe('the Kustomer setup helper', () => {
  it('registers a private app with our redirect URI and returns the client ID and secret', async () => {
    calls.length = 0;
    const result = await runSetupHelper(
      kustomer,
      kustomer.setup_helper!,
      { api_key: 'admin-key', org: 'acme' },
      { fetch: viaInternet, callbackUrl },
    );
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      host: 'api.kustomerapp.com',
      path: '/v1/apps/available',
      auth: 'Bearer admin-key',
      body: {
        app: 'switchboard',
        version: '1.0.0',
        title: 'Switchboard',
        visibility: 'private',
        redirectUris: [callbackUrl],
      },
    });
    expect(calls[1]).toMatchObject({ path: '/v1/apps/available/switchboard_org123/secret/', body: {} });
    expect(result.values).toEqual({ client_id: 'client-xyz', client_secret: 'secret-abc' });
    expect(result.nextSteps.join('\n')).toMatch(/Install the app.*https:\/\/acme\.kustomerapp\.com/);
    expect(internet.refused).toEqual([]);
  });

  it("reports Kustomer's refusal in its own words, and bad inputs before any call", async () => {
    calls.length = 0;
    const refused = runSetupHelper(
      kustomer,
      kustomer.setup_helper!,
      { api_key: 'wrong', org: 'acme' },
      { fetch: viaInternet, callbackUrl },
    );
    await expect(refused).rejects.toThrow(
      'Kustomer answered 401 to POST /v1/apps/available: Invalid API key',
    );
    await expect(refused).rejects.toMatchObject({ kind: 'provider' });
    expect(calls).toHaveLength(1);

    calls.length = 0;
    for (const given of [
      { api_key: 'admin-key', org: 'evil.com#' },
      { org: 'acme' },
      { api_key: 'admin-key', org: 'acme', app: '../x' },
    ]) {
      const bad = runSetupHelper(kustomer, kustomer.setup_helper!, given, {
        fetch: viaInternet,
        callbackUrl,
      });
      await expect(bad).rejects.toBeInstanceOf(SetupHelperError);
      await expect(bad).rejects.toMatchObject({ kind: 'input' });
    }
    expect(calls).toHaveLength(0);
  });
});

describe('switchboard connectors setup', () => {
  it('lists the helper options, answers the older kustomer command, and exits 2 on bad input', async () => {
    const help = runSwitchboard(['connectors', 'setup', 'kustomer', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/--api-key .*KUSTOMER_API_KEY/);
    expect(help.output()).toMatch(/--org /);

    const bad = runSwitchboard(['kustomer', 'register-app', '--api-key', 'k', '--org', 'evil.com#']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/subdomain of your Kustomer URL/);

    const unknown = runSwitchboard(['connectors', 'setup', 'oneflow']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toMatch(/no connector "oneflow"|has no setup helper/);
  });
});
