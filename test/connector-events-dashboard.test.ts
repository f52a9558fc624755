import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api } from './helpers/server.js';
import { launchBrowser, watchErrors } from './helpers/browser.js';
import { expectAccessible, openDashboard, shot } from './helpers/dashboard.js';
import { link, useWorld } from './helpers/world.js';
import { notifyOneflow } from './helpers/provider-events.js';

const world = useWorld({ workers: false });
let browser: Browser;
let account = '';

beforeAll(async () => {
  browser = await launchBrowser();
  account = await link(world, 'oneflow');
});
afterAll(async () => {
  await browser?.close();
});

describe('connector events in the dashboard', () => {
  it("shows an account's inbound URL, sign key, steps and the deliveries received", async () => {
    const info = (await api(world.server)('GET', `/accounts/${account}/events`)).json;
    // The webhook the admin made in Oneflow with the account's URL and sign key.
    const webhook = world.fakes.oneflow.subscribe(info.inbound_url, info.secret);
    const signed = await notifyOneflow(world.fakes.oneflow, webhook, 1001, ['contract:publish']);
    expect(signed.status).toBe(200);
    const forged = await notifyOneflow(world.fakes.oneflow, webhook, 1001, ['contract:publish'], {
      forge: true,
    });
    expect(forged.status).toBe(401);

    const page = await openDashboard(browser, world.server, `/dashboard/accounts/${account}`);
    const errors = watchErrors(page);
    await page.getByTestId('inbound-deliveries').waitFor();
    expect(await page.getByTestId('events-inbound-url').inputValue()).toBe(info.inbound_url);
    expect(await page.getByTestId('events-secret').inputValue()).toBe(info.secret);
    const rows = page.getByTestId('inbound-deliveries').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('rejected');
    expect(await rows.nth(1).textContent()).toContain('accepted');
    expect(await rows.nth(1).textContent()).toContain('contract:publish');
    await expectAccessible(page, 'account with connector events');
    await shot(page, 'dashboard-account-events');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('turns events off on the connector profile', async () => {
    const profile = world.profiles.oneflow;
    const page = await openDashboard(
      browser,
      world.server,
      `/dashboard/connectors/oneflow/profiles/${profile}`,
    );
    const errors = watchErrors(page);
    await page.getByTestId('events-all').waitFor();
    await shot(page, 'dashboard-profile-events');
    await page.getByTestId('events-all').uncheck();
    await page.getByTestId('event-list').getByRole('checkbox').uncheck();
    await page.getByRole('button', { name: /save/i }).click();
    await expect
      .poll(
        async () => (await api(world.server)('GET', `/connector_profiles/${profile}`)).json.enabled_events,
      )
      .toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
