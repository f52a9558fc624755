// Security review L6: the Auth Link page refuses to be framed, but the same token worked on
// /embedded/hub, which any site could frame. SWITCHBOARD_HUB_FRAME_ANCESTORS names the sites
// that embed the Hub; the browser then refuses every other one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    { SWITCHBOARD_HUB_FRAME_ANCESTORS: 'https://app.example.com' },
    { workers: false },
  );
});
afterAll(async () => {
  await server?.close();
});

describe('who may frame the Hub', () => {
  it('the embedded Hub names only the configured sites; the Auth Link page and callback page no one', async () => {
    const csp = async (path: string) =>
      (await fetch(server.url + path)).headers.get('content-security-policy') ?? '';
    expect(await csp('/embedded/hub')).toMatch(/frame-ancestors https:\/\/app\.example\.com$/);
    expect(await csp('/embedded/integrations')).toMatch(/frame-ancestors 'none'/);
    expect(await csp('/embedded/accounts/callback')).toMatch(/frame-ancestors 'none'/);
  });
});
