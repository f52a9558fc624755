import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSwitchboard } from './helpers/process.js';

/** Kustomer's app platform, as seed 001 documents it. */
let server: http.Server;
let url: string;
const calls: Array<{ path: string; auth: string | undefined; body: any }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      calls.push({ path: req.url!, auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== 'Bearer admin-key') {
        res.statusCode = 401;
        return res.end(
          JSON.stringify({ errors: [{ status: 401, title: 'Unauthorized', detail: 'Invalid API key' }] }),
        );
      }
      if (req.method === 'POST' && req.url === '/v1/apps/available') {
        return res.end(
          JSON.stringify({
            data: {
              type: 'available_app',
              id: `${body.app}_org123-${body.version}`,
              attributes: {
                name: `${body.app}_org123`,
                version: body.version,
                visibility: 'private',
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
              id: 'switchboard_org123-1.0.0',
              attributes: { name: 'switchboard_org123', clientId: 'client-xyz', clientSecret: 'secret-abc' },
            },
          }),
        );
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('switchboard kustomer register-app', () => {
  it('registers a private app with our redirect URI and prints the client ID and secret', async () => {
    const run = runSwitchboard([
      'kustomer',
      'register-app',
      '--api-key',
      'admin-key',
      '--org',
      'acme',
      '--api-url',
      url,
      '--public-url',
      'https://sb.example.com',
    ]);
    expect(await run.exited).toBe(0);
    expect(calls[0]).toMatchObject({
      path: '/v1/apps/available',
      auth: 'Bearer admin-key',
      body: {
        app: 'switchboard',
        version: '1.0.0',
        visibility: 'private',
        redirectUris: ['https://sb.example.com/connect/oauth2/kustomer/callback'],
      },
    });
    expect(calls[1]).toMatchObject({ path: '/v1/apps/available/switchboard_org123/secret/', body: {} });
    expect(run.output()).toMatch(/Client ID:\s+client-xyz/);
    expect(run.output()).toMatch(/Client Secret:\s+secret-abc/);
    expect(run.output()).toMatch(/install the app in your organization/);
  });

  it("reports Kustomer's refusal and bad flags with non-zero exit codes", async () => {
    const refused = runSwitchboard([
      'kustomer',
      'register-app',
      '--api-key',
      'wrong',
      '--org',
      'acme',
      '--api-url',
      url,
    ]);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(/Kustomer answered 401.*Invalid API key/);
    const bad = runSwitchboard(['kustomer', 'register-app', '--api-key', 'k', '--org', 'evil.com#']);
    expect(await bad.exited).toBe(2);
  });
});
