import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from './helpers/server.js';
import { createSession, KUSTOMER_CLIENT, ONEFLOW_EMAIL, ONEFLOW_TOKEN } from './helpers/linking.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';

let server: TestServer;
let fakes: SeedFakes;
let browser: Browser;
let _profiles: Profiles;

const world = useWorld();
beforeAll(async () => {
  ({ server, fakes, profiles: _profiles } = world);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openAuthLink(
  owner: string,
  extra: Record<string, unknown> = {},
): Promise<{ page: Page; errors: string[] }> {
  const s = await createSession(server, { origin_owner_id: owner, ...extra });
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(s.auth_link_url);
  return { page, errors };
}

async function accountsOf(owner: string) {
  return (await api(server)('GET', `/accounts?origin_owner_id=${owner}`)).json as Array<{
    id: string;
    provider: string;
    status: string;
  }>;
}

describe('our Auth Link page in Chromium', () => {
  it('links Oneflow with the form', async () => {
    const { page, errors } = await openAuthLink('b-oneflow');
    await page.getByTestId('search').fill('one');
    await expect.poll(() => page.getByTestId('integration-kustomer').count()).toBe(0);
    await screenshot(page, 'hub-list-search');
    await page.getByTestId('integration-oneflow').click();
    await page.locator('input[name="api_token"]').fill(ONEFLOW_TOKEN);
    await page.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await screenshot(page, 'hub-oneflow-form');
    await page.getByTestId('connect').click();
    const success = page.getByTestId('success');
    await success.waitFor();
    const id = await success.getAttribute('data-account-id');
    expect(await accountsOf('b-oneflow')).toEqual([
      expect.objectContaining({ id, provider: 'oneflow', status: 'active' }),
    ]);
    // Oneflow's webhooks are set up by hand: the owner gets the address and sign key to paste.
    await page.getByTestId('events-setup').waitFor();
    const events = (await api(server)('GET', `/accounts/${id}/events`)).json;
    expect(events.mode).toBe('manual');
    expect(await page.getByTestId('inbound-url').inputValue()).toBe(events.inbound_url);
    expect(await page.getByTestId('inbound-secret').inputValue()).toBe(events.secret);
    const steps = (await page.getByTestId('events-steps').textContent()) ?? '';
    expect(steps).toMatch(/Marketplace, then Webhooks/);
    expect(steps).toContain('the sign key below');
    expect(steps).not.toContain(events.secret);
    await screenshot(page, 'hub-oneflow-success');
    expect(errors).toEqual([]);
  });

  it("shows Oneflow's refusal of a wrong token inline and creates nothing", async () => {
    const { page } = await openAuthLink('b-oneflow-bad');
    await page.getByTestId('integration-oneflow').click();
    await page.locator('input[name="api_token"]').fill('Q'.repeat(40));
    await page.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await page.getByTestId('connect').click();
    await expect
      .poll(() => page.getByTestId('error').textContent())
      .toMatch(/Oneflow rejected the credentials/);
    await screenshot(page, 'hub-oneflow-error');
    expect(await accountsOf('b-oneflow-bad')).toEqual([]);
  });

  it('validates fields inline before anything is sent', async () => {
    const { page } = await openAuthLink('b-validate');
    await page.getByTestId('integration-kustomer').click();
    const org = page.locator('input[name="org_name"]');
    await org.fill('evil.com#');
    await org.blur();
    await expect.poll(() => page.locator('#field-org_name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('connect').isDisabled()).toBe(true);
  });

  it('links Kustomer through the OAuth popup', async () => {
    const { page, errors } = await openAuthLink('b-kustomer');
    await page.getByTestId('integration-kustomer').click();
    await page.locator('input[name="client_id"]').fill(KUSTOMER_CLIENT.clientId);
    await page.locator('input[name="client_secret"]').fill(KUSTOMER_CLIENT.clientSecret);
    await page.locator('input[name="org_name"]').fill('acme');
    const popup = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    await (await popup).waitForEvent('close', { timeout: 15_000 }).catch(() => undefined);
    const success = page.getByTestId('success');
    await success.waitFor({ timeout: 15_000 });
    expect(await success.getAttribute('data-provider')).toBe('kustomer');
    expect(await accountsOf('b-kustomer')).toEqual([
      expect.objectContaining({ provider: 'kustomer', status: 'active' }),
    ]);
    // Kustomer's events are subscribed through its API: nothing for the end user to paste.
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('events-setup').count()).toBe(0);
    await screenshot(page, 'hub-kustomer-success');
    expect(errors).toEqual([]);
  });

  it('links Salesforce through the OAuth popup (no fields to fill)', async () => {
    const { page } = await openAuthLink('b-salesforce');
    await page.getByTestId('integration-salesforce').click();
    const popup = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    await popup;
    await page.getByTestId('success').waitFor({ timeout: 15_000 });
    expect(await accountsOf('b-salesforce')).toEqual([
      expect.objectContaining({ provider: 'salesforce', status: 'active' }),
    ]);
  });

  it('shows Kustomer "Invalid Client" translated', async () => {
    const { page } = await openAuthLink('b-invalid-client');
    const invalidClient = {
      status: 400,
      body: { error: 'invalid_client', error_description: 'Invalid Client' },
    };
    fakes.kustomer.failTokenNext(invalidClient, Infinity);
    try {
      await page.getByTestId('integration-kustomer').click();
      await page.locator('input[name="client_id"]').fill(KUSTOMER_CLIENT.clientId);
      await page.locator('input[name="client_secret"]').fill(KUSTOMER_CLIENT.clientSecret);
      await page.locator('input[name="org_name"]').fill('acme');
      await page.getByTestId('connect').click();
      await expect
        .poll(() => page.getByTestId('error').textContent(), { timeout: 15_000 })
        .toMatch(/install the OAuth app in your Kustomer organization/);
      await screenshot(page, 'hub-kustomer-invalid-client');
    } finally {
      fakes.kustomer.failTokenNext(invalidClient, 0);
    }
    expect(await accountsOf('b-invalid-client')).toEqual([]);
  });

  it('shows denied consent as an error', async () => {
    const { page } = await openAuthLink('b-denied');
    fakes.salesforce.denyNextAuthorization();
    await page.getByTestId('integration-salesforce').click();
    await page.getByTestId('connect').click();
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 15_000 }).toMatch(/denied/i);
    expect(await accountsOf('b-denied')).toEqual([]);
  });

  it('falls back to a full-page redirect when the popup is blocked', async () => {
    const s = await createSession(server, { origin_owner_id: 'b-blocked' });
    const page = await browser.newPage();
    await page.addInitScript(() => {
      window.open = () => null;
    });
    await page.goto(s.auth_link_url);
    await page.getByTestId('integration-salesforce').click();
    await page.getByTestId('connect').click();
    await page.getByTestId('success').waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/embedded/integrations');
    expect(await accountsOf('b-blocked')).toEqual([expect.objectContaining({ provider: 'salesforce' })]);
  });

  it('shows the expired-link screen for an expired session', async () => {
    const s = await createSession(server, { origin_owner_id: 'b-expired' });
    await server.app.deps.db.query(
      "UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [s.id],
    );
    const page = await browser.newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('expired').waitFor();
    await screenshot(page, 'hub-expired');
  });

  it('is usable with the keyboard and in dark mode', async () => {
    const s = await createSession(server, { origin_owner_id: 'b-keyboard' });
    const page = await browser.newPage({ colorScheme: 'dark' });
    await page.goto(s.auth_link_url);
    await page.getByTestId('search').waitFor();
    await page.getByTestId('search').focus();
    await page.keyboard.type('oneflow');
    // Tab through the filters to the one remaining integration, then choose it with Enter.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      if (
        (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) ===
        'integration-oneflow'
      )
        break;
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'integration-oneflow',
    );
    await page.keyboard.press('Enter');
    await page.locator('input[name="api_token"]').waitFor();
    await screenshot(page, 'hub-dark-form');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(255, 255, 255)');
  });
});
