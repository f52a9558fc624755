import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from './helpers/server.js';
import { createSession } from './helpers/linking.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import { axe, openDashboard } from './helpers/dashboard.js';
import { api } from './helpers/server.js';

let server: TestServer;
let browser: Browser;
let profiles: Profiles;

const world = useWorld();
beforeAll(async () => {
  ({ server, profiles } = world);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openHub(owner: string, provider: string): Promise<{ page: Page; errors: string[] }> {
  const s = await createSession(server, { origin_owner_id: owner });
  const context = await browser.newContext({
    viewport: { width: 480, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(s.auth_link_url);
  await page.getByTestId(`integration-${provider}`).click();
  await page.getByTestId('connect').waitFor();
  return { page, errors };
}

describe('the Hub shows each end user their own setup guide', () => {
  it('Kustomer: the steps, the exact redirect URI and a Copy button that says "Copied"', async () => {
    const { page, errors } = await openHub('guide-kustomer', 'kustomer');
    const callback = `${server.app.deps.settings.publicUrl()}/connect/oauth2/kustomer/callback`;
    const guide = page.getByTestId('setup-guide');
    const steps = await guide.getByTestId('setup-steps').locator('li').allTextContents();
    expect(steps).toHaveLength(5);
    expect(steps[0]).toContain('org.admin.apps and org.permission.apps');
    expect(steps.join('\n')).toMatch(/Install the app in your Kustomer organization/);
    expect(steps.join('\n')).not.toContain('switchboard kustomer');
    const uri = page.getByTestId('redirect-uri');
    expect(await uri.inputValue()).toBe(callback);
    expect(await uri.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByLabel('Redirect URI').inputValue()).toBe(callback);
    expect(await axe(page, 'guide-hub-kustomer')).toEqual([]);
    await screenshot(page, 'guide-hub-kustomer');

    await page.getByTestId('copy-redirect-uri').click();
    const status = page.getByTestId('copy-status');
    await expect.poll(() => status.textContent()).toBe('Copied');
    expect(await status.getAttribute('role')).toBe('status');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(callback);
    expect(await axe(page, 'guide-hub-kustomer-copied')).toEqual([]);
    await screenshot(page, 'guide-hub-kustomer-copied');
    expect(errors).toEqual([]);
  });

  it('the Kustomer guide in dark mode and at 390 px: readable, no sideways scroll, no axe findings', async () => {
    const s = await createSession(server, { origin_owner_id: 'guide-dark-phone' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('integration-kustomer').click();
    await page.getByTestId('setup-guide').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await axe(page, 'guide-hub-kustomer-dark-phone')).toEqual([]);
    await screenshot(page, 'guide-hub-kustomer-dark-phone');
    await context.close();
  });

  it('Salesforce: sign in and allow access, no admin wording', async () => {
    const { page, errors } = await openHub('guide-salesforce', 'salesforce');
    const text = await page.locator('#main, body').first().innerText();
    expect(text).toMatch(/Sign in with your Salesforce account and allow access/);
    expect(text).not.toMatch(/Connected App|External Client App|Consumer Key|Callback URL|Redirect URI/);
    expect(await page.getByTestId('setup-guide').count()).toBe(0);
    expect(await axe(page, 'guide-hub-salesforce')).toEqual([]);
    await screenshot(page, 'guide-hub-salesforce');
    expect(errors).toEqual([]);
  });
});

describe('an optional field in the Hub form', () => {
  it('Stripe: the connected account is marked optional, and a value that is not one says what to enter', async () => {
    const made = await api(server)('POST', '/connector_profiles', { provider: 'stripe' });
    expect(made.status, made.text).toBe(201);
    const { page, errors } = await openHub('guide-stripe', 'stripe');
    const field = page.getByLabel(/Connected account ID/);
    expect(await page.locator('label', { hasText: 'Connected account ID' }).innerText()).toMatch(
      /Connected account ID\s*\(optional\)/,
    );
    expect(await page.locator('body').innerText()).toMatch(/Only for Stripe Connect platforms/);
    await page
      .getByLabel('Secret or restricted key', { exact: true })
      .fill('rk_test_51Fake0123456789abcdefghij');
    const connect = page.getByTestId('connect');
    expect(await connect.isEnabled()).toBe(true);
    await field.fill('12345');
    await field.blur();
    await expect
      .poll(() => page.locator('body').innerText())
      .toMatch(/Enter a connected account ID, which starts with acct_, or leave this empty\./);
    expect(await connect.isEnabled()).toBe(false);
    await screenshot(page, 'hub-stripe-optional-field-wrong');
    await field.fill('acct_1Fake0123456789');
    await expect.poll(() => connect.isEnabled()).toBe(true);
    expect(await axe(page, 'hub-stripe-optional-field')).toEqual([]);
    await screenshot(page, 'hub-stripe-optional-field');
    expect(errors).toEqual([]);
  });
});

describe('the dashboard', () => {
  it('Kustomer: the admin guide says the customer performs the steps; Check setup says there is nothing to check', async () => {
    const page = await openDashboard(
      browser,
      server,
      `/dashboard/connectors/kustomer/profiles/${profiles.kustomer}`,
    );
    const guide = page.getByTestId('setup-guide');
    await guide.waitFor();
    expect(await guide.innerText()).toMatch(
      /Nothing to set up here\. Each of your customers registers and installs their own Kustomer OAuth app/,
    );
    await page.getByTestId('check-setup').click();
    const result = page.getByTestId('check-result');
    await expect.poll(() => result.getAttribute('data-result')).toBe('cannot_check');
    expect(await result.innerText()).toMatch(
      /Kustomer apps belong to each of your customers, so there is nothing to check here\./,
    );
    expect(await axe(page, 'guide-dashboard-kustomer-check')).toEqual([]);
    await screenshot(page, 'guide-dashboard-kustomer-check');
  });

  it('Salesforce: the External Client App steps, and Check setup says why it cannot check', async () => {
    const page = await openDashboard(
      browser,
      server,
      `/dashboard/connectors/salesforce/profiles/${profiles.salesforce}`,
    );
    const steps = page.getByTestId('guide-steps');
    await steps.waitFor();
    expect(await steps.innerText()).toMatch(/New External Client App/);
    await page.getByTestId('check-setup').click();
    const result = page.getByTestId('check-result');
    await expect.poll(() => result.getAttribute('data-result')).toBe('cannot_check');
    expect(await result.innerText()).toMatch(
      /does not document how its authorization page answers an unknown client ID/,
    );
    expect(await axe(page, 'guide-dashboard-salesforce-check')).toEqual([]);
    await screenshot(page, 'guide-dashboard-salesforce-check');
  });
});
