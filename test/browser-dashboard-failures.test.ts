import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from './helpers/server.js';
import {
  createProfiles,
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
} from './helpers/linking.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { followToCallback } from './helpers/link-accounts.js';
import { launchBrowser, watchErrors } from './helpers/browser.js';
import { axe, fitsWidth, openDashboard, shot } from './helpers/dashboard.js';

/**
 * The admin sees end users' failed links (Link attempts, and the 24 h count on Accounts), cannot
 * build an Auth Link whose provider is outside its category, and the layout holds at 1280 and
 * 390 px with tap targets of at least 24 px.
 */
let server: TestServer;
let fakes: SeedFakes;
let browser: Browser;
let profiles: Profiles;
const LONG_LABEL = `Salesforce-${'x'.repeat(180)}`;

async function oneflow(owner: string, name: string, token: string) {
  const s = await createSession(server, { origin_owner_id: owner, origin_owner_name: name });
  return hub(server, s.token)('POST', '/hub/accounts', {
    integration_id: profiles.oneflow,
    credentials: { api_token: token, user_email: ONEFLOW_EMAIL },
  });
}

const world = useWorld({ profiles: false });
beforeAll(async () => {
  ({ server, fakes } = world);
  browser = await launchBrowser();
  profiles = await createProfiles(server, fakes);
  expect((await oneflow('acme-1', 'Acme Inc', 'of-wrong-0000000000-abcdefghij-KLMNOPQRS')).status).toBe(400);
  expect(
    (await oneflow('globex-2', 'Globex Corporation', 'of-wrong-1111111111-abcdefghij-KLMNOPQRS')).status,
  ).toBe(400);
  expect((await oneflow('initech-3', 'Initech', ONEFLOW_TOKEN)).status).toBe(201);
  // Kustomer consent denied in the popup, and a popup closed.
  const s = await createSession(server, {
    origin_owner_id: 'umbrella-4',
    origin_owner_name: 'Umbrella Corp',
  });
  const denied = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  // The lasting answer: the server's authorize preflight GET would use up a one-shot denial.
  fakes.kustomer.denyNextAuthorization(Infinity);
  const q = new URLSearchParams({
    redirect_uri: 'https://app.example.com/embedded/accounts/callback',
    token: s.token,
    connection_attempt_id: denied.json.id,
    client_id: KUSTOMER_CLIENT.clientId,
    client_secret: KUSTOMER_CLIENT.clientSecret,
    org_name: 'umbrella',
  });
  await followToCallback(`${server.url}/connect/oauth2/${profiles.kustomer}?${q}`).finally(() =>
    fakes.kustomer.denyNextAuthorization(0),
  );
  const closed = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  await hub(server, s.token)('DELETE', `/hub/connection_attempts/${closed.json.id}`);
  // A second Salesforce profile with a long unbroken label, beside the default one.
  const second = await api(server)('POST', '/connector_profiles', {
    provider: 'salesforce',
    label: LONG_LABEL,
    environment: 'sandbox',
    setup: { client_id: 'c2', client_secret: 'secret-abcdef-2' },
  });
  expect(second.status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
});

/** axe on the page as it is: not one violation, of any impact. */
async function expectNoViolations(page: Page, name: string) {
  expect(await axe(page, name), `axe on ${name}`).toEqual([]);
}

/** Visible controls smaller than 24 × 24 px; links inside running text are exempt (WCAG 2.5.8 "inline"). */
const smallTargets = (page: Page) =>
  page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'a[href], button, select, input, textarea, summary',
    )) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || el.closest('[hidden], .sr-only')) continue;
      if (el.matches('.skip-link') && r.bottom <= 0) continue;
      if (el.tagName === 'A' && el.closest('p, .hint, .alert')) continue;
      // A checkbox or radio is a target together with its label.
      const target = el.matches('input[type=checkbox], input[type=radio]')
        ? (el.closest('label') ?? el).getBoundingClientRect()
        : r;
      if (target.width < 24 || target.height < 24)
        out.push(
          `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') ?? el.textContent?.trim().slice(0, 30)}] ${Math.round(target.width)}×${Math.round(target.height)}`,
        );
    }
    return out;
  });

describe('link failures in the dashboard', () => {
  it('Accounts counts the failures of the last 24 hours and links to Link attempts, which says why', {
    timeout: 60_000,
  }, async () => {
    const page = await openDashboard(browser, server, '/dashboard/accounts');
    const errors = watchErrors(page);
    await page.getByTestId('accounts-table').waitFor();
    const line = page.getByTestId('link-failures-24h');
    await expect
      .poll(() => line.textContent())
      .toBe('4 link attempts failed or abandoned in the last 24 hours See why');
    await shot(page, 'dash-accounts-failures');
    await expectNoViolations(page, 'dash-accounts-failures');

    await page.getByTestId('link-failures-link').click();
    const rows = page.getByTestId('attempts-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    expect(new URL(page.url()).searchParams.get('hours')).toBe('24');
    expect(await page.getByTestId('attempts-range').inputValue()).toBe('24');
    const texts = await rows.allTextContents();
    // Newest first: the closed popup, the denied consent, then the two refused tokens.
    expect(texts[0]).toMatch(
      /Not chosen yet.*Umbrella Corpumbrella-4Window closedThe end user closed the window before finishing/,
    );
    expect(texts[1]).toMatch(/Kustomer.*OAuth.*Umbrella Corp.*FailedConsent denied.*access_denied/);
    expect(texts[2]).toMatch(
      /Oneflow.*API token.*Globex Corporationglobex-2FailedCredentials rejected.*http_401/,
    );
    expect(texts[3]).toMatch(/Acme Incacme-1FailedCredentials rejected/);
    expect(await page.getByTestId('pager').locator('p').textContent()).toBe('1–4 of 4 attempts');
    await shot(page, 'dash-attempts');
    await expectNoViolations(page, 'dash-attempts');

    // Filters: errors only, one connector, one owner; all in the URL.
    await page.getByTestId('attempts-status').selectOption('error');
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByTestId('attempts-provider').selectOption('kustomer');
    await expect.poll(() => rows.count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('provider')).toBe('kustomer');
    await page.getByTestId('attempts-provider').selectOption('');
    await page.getByTestId('attempts-owner').fill('acme-1');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('attempts-owner').fill('nobody');
    await page.getByTestId('attempts-empty').waitFor();
    await shot(page, 'dash-attempts-empty');
    await expectNoViolations(page, 'dash-attempts-empty');
    // Linked ones too, with the account they made.
    await page.getByTestId('attempts-owner').fill('');
    await page.getByTestId('attempts-status').selectOption('all');
    await expect.poll(() => rows.count()).toBe(4);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Create Auth Link offers only the chosen category’s providers and says when one was dropped', async () => {
    const page = await openDashboard(browser, server, '/dashboard/accounts');
    await page.getByTestId('accounts-table').waitFor();
    await page.getByTestId('create-auth-link').click();
    const dialog = page.getByTestId('auth-link-dialog');
    await dialog.getByLabel('Provider').selectOption('salesforce');
    await dialog.getByLabel('Category').selectOption('documents');
    const options = () => dialog.getByLabel('Provider').locator('option').allTextContents();
    await expect.poll(options).toEqual(['Any connector in this category', 'Oneflow']);
    expect(await dialog.getByLabel('Provider').inputValue()).toBe('');
    expect(await page.getByTestId('auth-link-category-note').textContent()).toMatch(
      /Salesforce is not in Documents.*It is in CRM/,
    );
    await shot(page, 'dash-auth-link-category', { viewport: true });
    await expectNoViolations(page, 'dash-auth-link-category');
    await dialog.getByLabel('Category').selectOption('');
    await expect.poll(options).toEqual(['Any enabled connector', 'Kustomer', 'Oneflow', 'Salesforce']);
    expect(await page.getByTestId('auth-link-category-note').textContent()).toBe('');
    await page.context().close();
  });
});

describe('dashboard layout', () => {
  it('at 1280 px the profiles table keeps its Actions column in view, long labels wrap, nothing scrolls sideways', async () => {
    const page = await openDashboard(browser, server, '/dashboard/connectors/salesforce');
    await page.getByTestId('profiles-table').waitFor();
    expect(await fitsWidth(page)).toBe(true);
    const wrap = page.getByTestId('profiles-table').locator('xpath=..');
    expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const box = await wrap.boundingBox();
    for (const toggle of await page.locator('[data-testid^="toggle-profile-"]').all()) {
      expect(await toggle.isVisible()).toBe(true);
      const b = (await toggle.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(box!.x + box!.width);
    }
    expect(await page.locator('[data-testid^="toggle-profile-"]').count()).toBe(2);
    expect(await smallTargets(page)).toEqual([]);
    await shot(page, 'dash-connector-profiles-1280');
    await expectNoViolations(page, 'dash-connector-profiles-1280');
    await page.context().close();
  });

  it('at 390 px no page scrolls sideways (API activity’s dates included), and tap targets are at least 24 px', {
    timeout: 60_000,
  }, async () => {
    const page = await openDashboard(browser, server, '/dashboard/accounts', {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await page.getByTestId('accounts-table').waitFor();
    const pages = [
      ['/dashboard/accounts', 'accounts-table', 'dash-phone-accounts'],
      ['/dashboard/attempts', 'attempts-table', 'dash-phone-attempts'],
      ['/dashboard/activity?source=all', 'activity-table', 'dash-phone-activity'],
      ['/dashboard/connectors/salesforce', 'profiles-table', 'dash-phone-connector'],
      ['/dashboard/logs', 'logs-empty', 'dash-phone-logs'],
    ] as const;
    for (const [p, testid, name] of pages) {
      await page.goto(server.url + p);
      await page.getByTestId(testid).waitFor();
      expect(await fitsWidth(page), p).toBe(true);
      expect(await smallTargets(page), p).toEqual([]);
      await shot(page, name);
    }
    await expectNoViolations(page, 'dash-phone-logs');
    await page.goto(`${server.url}/dashboard/attempts`);
    await page.getByTestId('attempts-table').waitFor();
    await expectNoViolations(page, 'dash-phone-attempts');
    await page.context().close();
  });

  it('at 1280 px the desktop pages have no control smaller than 24 px', async () => {
    const page = await openDashboard(browser, server, '/dashboard/accounts');
    for (const [p, testid] of [
      ['/dashboard/accounts', 'accounts-table'],
      ['/dashboard/attempts', 'attempts-table'],
      ['/dashboard/activity?source=all', 'activity-table'],
      ['/dashboard/connectors', 'connector-list'],
    ] as const) {
      await page.goto(server.url + p);
      await page.getByTestId(testid).waitFor();
      expect(await smallTargets(page), p).toEqual([]);
      expect(await fitsWidth(page), p).toBe(true);
    }
    await page.context().close();
  });
});

describe('dashboard messages', () => {
  it('API activity hides the dashboard’s own calls unless asked', async () => {
    const page = await openDashboard(browser, server, '/dashboard/activity');
    const rows = page.getByTestId('activity-table').locator('tbody tr');
    await rows.first().waitFor();
    const sources = () => rows.locator('td:last-child').allTextContents();
    expect(new Set(await sources())).toEqual(new Set(['API key']));
    await shot(page, 'dash-activity-default');
    await expectNoViolations(page, 'dash-activity-default');
    await page.getByTestId('activity-source').selectOption('all');
    // This file's page views are the newest calls: the first page is now the dashboard's own.
    await expect.poll(async () => (await sources()).includes('Dashboard')).toBe(true);
    expect(new URL(page.url()).searchParams.get('source')).toBe('all');
    await page.context().close();
  });

  it('an unknown account offers the way back, and a refused filter names its field in words', async () => {
    const page = await openDashboard(browser, server, '/dashboard/accounts/acc_missing');
    const error = page.getByTestId('error');
    await expect.poll(() => error.textContent()).toMatch(/Not found.*Account not found.*Back to Accounts/);
    expect(await error.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await shot(page, 'dash-account-not-found');
    await expectNoViolations(page, 'dash-account-not-found');
    await error.getByRole('link', { name: 'Back to Accounts' }).click();
    await page.getByTestId('accounts-table').waitFor();

    await page.goto(`${server.url}/dashboard/accounts?q=${'a'.repeat(600)}`);
    await expect
      .poll(() => page.getByTestId('error').textContent())
      .toMatch(/Search: at most 200 characters/);
    expect(await page.getByTestId('error').textContent()).not.toMatch(/Too big|q:/);
    expect(await page.getByTestId('account-search').getAttribute('maxlength')).toBe('200');
    await shot(page, 'dash-accounts-bad-search');
    await expectNoViolations(page, 'dash-accounts-bad-search');
    await page.context().close();
  });
});
