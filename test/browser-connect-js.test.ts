import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Browser } from 'playwright-core';
import type { TestServer } from './helpers/server.js';
import {
  createProfiles,
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
} from './helpers/linking.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { launchBrowser, screenshot } from './helpers/browser.js';
import {
  axeFindings,
  focusedTestId,
  INTERNAL,
  popupStart,
  stepThrough,
  visibleText,
} from './helpers/hub-page.js';

/** connect.js as `@stackone/react-hub` uses it: a company page calls `Connect.start(opts)`. */
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
  app = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><html><head><meta charset="utf-8"><script src="${server.url}/stackone/connect.js"></script></head><body>
      <script>
        window.calls = [];
        window.startHub = (token) => Connect.start({
          sessionToken: token,
          onSuccess: (account) => window.calls.push({ type: 'success', account }),
          onCancel: () => window.calls.push({ type: 'cancel' }),
          onClose: () => window.calls.push({ type: 'close' }),
        });
      </script></body></html>`);
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
});

const calls = (page: import('playwright-core').Page) =>
  page.evaluate(
    () =>
      (window as unknown as { calls: Array<{ type: string; account?: { id: string; provider: string } }> })
        .calls,
  );

describe('connect.js', () => {
  it('opens the embedded hub in a modal, reports success once, then close', async () => {
    const s = await createSession(server, { origin_owner_id: 'cj-1' });
    const page = await browser.newPage();
    await page.goto(appUrl);
    await page.evaluate((t) => (window as unknown as { startHub: (t: string) => void }).startHub(t), s.token);
    const frame = page.frameLocator('iframe');
    await frame.getByTestId('integration-oneflow').click();
    await frame.locator('input[name="api_token"]').fill(ONEFLOW_TOKEN);
    await frame.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await frame.getByTestId('connect').click();
    await expect
      .poll(() => calls(page), { timeout: 15_000 })
      .toEqual([{ type: 'success', account: { id: expect.stringMatching(/^acc_/), provider: 'oneflow' } }]);
    await screenshot(page, 'connect-js-success');
    await frame.getByTestId('close').click();
    await expect.poll(() => calls(page)).toHaveLength(2);
    expect((await calls(page))[1]).toEqual({ type: 'close' });
    expect(await page.locator('iframe').count()).toBe(0);
  });

  it('reports cancel and close when the user closes without linking', async () => {
    const s = await createSession(server, { origin_owner_id: 'cj-2' });
    const page = await browser.newPage();
    await page.goto(appUrl);
    await page.evaluate((t) => (window as unknown as { startHub: (t: string) => void }).startHub(t), s.token);
    await page.frameLocator('iframe').getByTestId('integration-oneflow').waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => calls(page)).toEqual([{ type: 'cancel' }, { type: 'close' }]);
    expect(await page.locator('iframe').count()).toBe(0);
    // start() again works, and Escape closes the modal too.
    await page.evaluate((t) => (window as unknown as { startHub: (t: string) => void }).startHub(t), s.token);
    await page.frameLocator('iframe').getByTestId('integration-oneflow').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => calls(page)).toHaveLength(4);
  });

  it('notices a closed sign-in window in the modal, keeps the typed values; Escape goes back, then closes', async () => {
    const s = await createSession(server, { origin_owner_id: 'cj-3' });
    const page = await browser.newPage();
    await page.goto(appUrl);
    await page.evaluate((t) => (window as unknown as { startHub: (t: string) => void }).startHub(t), s.token);
    const frame = page.frameLocator('iframe');
    await frame.getByTestId('integration-kustomer').click();
    await frame.locator('input[name="client_id"]').fill(KUSTOMER_CLIENT.clientId);
    await frame.locator('input[name="client_secret"]').fill(KUSTOMER_CLIENT.clientSecret);
    await frame.locator('input[name="org_name"]').fill('acme');
    await stepThrough(page.context(), popupStart);
    await page.context().route(
      (u) => u.origin === fakes.kustomer.urls.authorize!.origin && u.pathname === '/oauth/authorize',
      (r) =>
        r.fulfill({
          contentType: 'text/html',
          body: '<!doctype html><title>Kustomer</title><h1>Sign in to Kustomer</h1>',
        }),
    );
    const popupEvent = page.waitForEvent('popup');
    await frame.getByTestId('connect').click();
    const popup = await popupEvent;
    await popup.waitForURL((u) => u.pathname === '/oauth/authorize');
    const attemptId = await frame.getByTestId('waiting').getAttribute('data-attempt-id');
    await page.waitForTimeout(2_500); // past the window in which "closed" may mean cut off by the provider's opener policy
    await popup.close();
    const warning = frame.getByTestId('warning');
    await warning.waitFor({ timeout: 5_000 });
    expect(await warning.innerText()).toMatch(/sign-in window was closed before you finished/);
    expect((await hub(server, s.token)('GET', `/hub/connection_attempts/${attemptId}`)).json.status).toBe(
      'cancelled',
    );
    expect(await frame.locator('input[name="client_secret"]').inputValue()).toBe(
      KUSTOMER_CLIENT.clientSecret,
    );
    const hubFrame = page.frames().find((f) => f.url().includes('/embedded/hub'))!;
    expect(await focusedTestId(hubFrame)).toBe('warning');
    expect(await axeFindings(hubFrame, 'hub-connectjs-popup-closed')).toEqual([]);
    await screenshot(page, 'hub-connectjs-popup-closed');
    expect(await calls(page)).toEqual([]);

    // Escape in the form goes back to the list; on the list it closes the modal.
    await frame.locator('input[name="org_name"]').focus();
    await page.keyboard.press('Escape');
    await frame.getByTestId('search').waitFor();
    expect(await calls(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => calls(page)).toEqual([{ type: 'cancel' }, { type: 'close' }]);
  });

  it('says a blocked pop-up in plain words, not in a code box', async () => {
    const s = await createSession(server, { origin_owner_id: 'cj-4' });
    const page = await browser.newPage();
    await page.addInitScript(() => {
      window.open = () => null; // runs in the Hub's frame too
    });
    await page.goto(appUrl);
    await page.evaluate((t) => (window as unknown as { startHub: (t: string) => void }).startHub(t), s.token);
    const frame = page.frameLocator('iframe');
    await frame.getByTestId('integration-salesforce').click();
    await frame.getByTestId('connect').click();
    const alert = frame.getByTestId('error');
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.innerText()).toMatch(
      /^Your browser blocked the sign-in window\. Allow pop-ups for this site, then press Connect again\.$/,
    );
    expect(await alert.locator('pre, details').count()).toBe(0);
    const hubFrame = page.frames().find((f) => f.url().includes('/embedded/hub'))!;
    expect(await visibleText(hubFrame)).not.toMatch(INTERNAL);
    expect(await focusedTestId(hubFrame)).toBe('error');
    expect(await axeFindings(hubFrame, 'hub-connectjs-popup-blocked')).toEqual([]);
    await screenshot(page, 'hub-connectjs-popup-blocked');
  });
});
