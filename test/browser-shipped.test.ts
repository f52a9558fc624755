// The Auth Link page in Chromium linking Salesforce and Kustomer as shipped: the popup goes to
// login.salesforce.com and api.apps.kustomerapp.com themselves (mapped to the fakes with
// --host-resolver-rules, over TLS), with no URL override on any profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, type TestServer } from './helpers/server.js';
import { createSession, KUSTOMER_CLIENT, SALESFORCE_CLIENT } from './helpers/linking.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import { ORG, startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';

let server: TestServer;
let world: ShippedWorld;
let browser: Browser;
const profiles: Record<string, string> = {};

beforeAll(async () => {
  world = await startShippedWorld();
  server = await startShippedServer(world);
  for (const body of [
    { provider: 'kustomer' },
    {
      provider: 'salesforce',
      setup: { client_id: SALESFORCE_CLIENT.clientId, client_secret: SALESFORCE_CLIENT.clientSecret },
    },
  ]) {
    const res = await api(server)('POST', '/connector_profiles', body);
    expect(res.status, res.text).toBe(201);
    profiles[body.provider] = res.json.id;
  }
  browser = await launchBrowser(world.internet.chromiumArgs);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await world?.close();
});

async function accountsOf(owner: string) {
  return (await api(server)('GET', `/accounts?origin_owner_id=${owner}`)).json as Array<{
    provider: string;
    status: string;
  }>;
}

describe('Auth Link page with connectors as shipped', () => {
  it('links Salesforce: the popup signs in at login.salesforce.com', async () => {
    const s = await createSession(server, { origin_owner_id: 'browser-sf' });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(s.auth_link_url);
    await page.getByTestId('integration-salesforce').click();
    const visited: string[] = [];
    page.context().on('request', (r) => visited.push(new URL(r.url()).host));
    const popup = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    await popup;
    await page.getByTestId('success').waitFor({ timeout: 15_000 });
    expect(visited).toContain('login.salesforce.com');
    expect(await accountsOf('browser-sf')).toEqual([
      expect.objectContaining({ provider: 'salesforce', status: 'active' }),
    ]);
    await screenshot(page, 'shipped-salesforce-success');
    expect(errors).toEqual([]);
  });

  it("links Kustomer with the end user's own app", async () => {
    const s = await createSession(server, { origin_owner_id: 'browser-kus' });
    const page = await browser.newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('integration-kustomer').click();
    await page.locator('input[name="client_id"]').fill(KUSTOMER_CLIENT.clientId);
    await page.locator('input[name="client_secret"]').fill(KUSTOMER_CLIENT.clientSecret);
    await page.locator('input[name="org_name"]').fill(ORG);
    const visited: string[] = [];
    page.context().on('request', (r) => visited.push(new URL(r.url()).host));
    const popup = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    await popup;
    await page.getByTestId('success').waitFor({ timeout: 15_000 });
    expect(visited).toContain('api.apps.kustomerapp.com');
    expect(await accountsOf('browser-kus')).toEqual([
      expect.objectContaining({ provider: 'kustomer', status: 'active' }),
    ]);
    expect(world.internet.refused).toEqual([]);
  });
});
