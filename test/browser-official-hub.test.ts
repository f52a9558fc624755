import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from './helpers/server.js';
import {
  createProfiles,
  createSession,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
} from './helpers/linking.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

/**
 * The unmodified official `@stackone/hub` web component, served by a "company app" on another
 * origin, with `base-url` and `app-url` pointing at Switchboard.
 */
let server: TestServer;
let fakes: SeedFakes;
let browser: Browser;
let app: http.Server;
let appUrl: string;

const world = useWorld({ profiles: false });
beforeAll(async () => {
  ({ server, fakes } = world);
  await createProfiles(server, fakes);
  browser = await launchBrowser();
  // The package does not export its bundle path; it sits in node_modules like any installed file.
  const bundle = await fs.readFile(path.resolve('node_modules/@stackone/hub/dist/webcomponent.js'));
  app = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/webcomponent.js') {
      res.setHeader('content-type', 'text/javascript');
      return res.end(bundle);
    }
    const token = url.searchParams.get('token') ?? '';
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><html><head><meta charset="utf-8"><script src="/webcomponent.js"></script></head><body>
      <stackone-hub id="hub" token="${token}" base-url="${server.url}" app-url="${server.url}" show-footer-links="false"></stackone-hub>
      <script>
        window.hubEvents = [];
        document.getElementById('hub').addEventListener('success', (e) => window.hubEvents.push(e.detail));
      </script></body></html>`);
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
});

async function openHub(owner: string): Promise<{ page: Page; errors: string[] }> {
  const s = await createSession(server, { origin_owner_id: owner });
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${appUrl}/?token=${s.token}`);
  return { page, errors };
}

const successEvents = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { hubEvents: Array<{ id: string; provider: string }> }).hubEvents,
  );

describe('the official @stackone/hub component against Switchboard', () => {
  it('links Oneflow with the form and emits success with the account id', async () => {
    const { page, errors } = await openHub('o-oneflow');
    await page.getByText('Oneflow', { exact: true }).first().click();
    await page.locator('input[name="api_token"]').fill(ONEFLOW_TOKEN);
    await page.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await page.getByRole('button', { name: /^connect$/i }).click();
    await expect.poll(() => successEvents(page), { timeout: 15_000 }).toHaveLength(1);
    const [event] = await successEvents(page);
    const accounts = (await api(server)('GET', '/accounts?origin_owner_id=o-oneflow')).json;
    expect(accounts).toEqual([
      expect.objectContaining({ id: event!.id, provider: 'oneflow', status: 'active' }),
    ]);
    expect(event).toEqual({ id: accounts[0].id, provider: 'oneflow' });
    await screenshot(page, 'official-hub-oneflow-success');
    expect(errors).toEqual([]);
  });

  it('links Kustomer through the OAuth popup and emits success', async () => {
    const { page, errors } = await openHub('o-kustomer');
    await page.getByText('Kustomer', { exact: true }).first().click();
    await page.locator('input[name="client_id"]').fill(KUSTOMER_CLIENT.clientId);
    await page.locator('input[name="client_secret"]').fill(KUSTOMER_CLIENT.clientSecret);
    await page.locator('input[name="org_name"]').fill('acme');
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: /^connect$/i }).click();
    await popup;
    await expect.poll(() => successEvents(page), { timeout: 20_000 }).toHaveLength(1);
    const [event] = await successEvents(page);
    const accounts = (await api(server)('GET', '/accounts?origin_owner_id=o-kustomer')).json;
    expect(event).toEqual({ id: accounts[0].id, provider: 'kustomer' });
    await screenshot(page, 'official-hub-kustomer-success');
    expect(errors).toEqual([]);
  });

  it("shows the provider's refusal of a wrong Oneflow token", async () => {
    const { page } = await openHub('o-oneflow-bad');
    await page.getByText('Oneflow', { exact: true }).first().click();
    await page.locator('input[name="api_token"]').fill('Q'.repeat(40));
    await page.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await page.getByRole('button', { name: /^connect$/i }).click();
    await expect
      .poll(() => page.getByText(/Oneflow rejected the credentials/).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await successEvents(page)).toEqual([]);
  });

  it('shows "No configured integrations available." for an expired session', async () => {
    const s = await createSession(server, { origin_owner_id: 'o-expired' });
    await server.app.deps.db.query(
      "UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [s.id],
    );
    const page = await browser.newPage();
    await page.goto(`${appUrl}/?token=${s.token}`);
    await expect
      .poll(() => page.getByText('No configured integrations available.').count(), { timeout: 15_000 })
      .toBe(1);
  });
});
