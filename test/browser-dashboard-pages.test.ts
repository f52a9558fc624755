import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import { link } from './helpers/world.js';
import type { Browser, Page } from 'playwright-core';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createProfiles, createSession } from './helpers/linking.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { launchBrowser, watchErrors } from './helpers/browser.js';
import {
  axe,
  expectAccessible,
  fitsWidth,
  focused,
  openDashboard,
  pageTitle,
  shot,
} from './helpers/dashboard.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import type { SeedFakes } from './helpers/seed-fakes.js';

let server: TestServer;
let fakes: SeedFakes;
let receiver: Receiver;
let browser: Browser;
let profiles: Profiles;
let linked: string;

const linkOneflow = (owner: string, name: string) =>
  link({ server, profiles }, 'oneflow', owner, { ownerName: name });

// The connectors run as shipped; the webhook endpoints here are on loopback, so the
// private-network switch is on for them.
const world = useWorld({ profiles: false, env: { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' } });
beforeAll(async () => {
  ({ server, fakes } = world);
  receiver = await startReceiver();
  browser = await launchBrowser();
  profiles = await createProfiles(server, fakes);
  // 30 accounts besides the linked one: two pages of 25, three statuses, three providers.
  const deps = server.app.deps;
  const projectId = server.app.boot.project.projectId;
  const providers = [
    ['kustomer', profiles.kustomer],
    ['salesforce', profiles.salesforce],
    ['oneflow', profiles.oneflow],
  ] as const;
  for (let i = 0; i < 30; i++) {
    const [provider, profileId] = providers[i % 3]!;
    const a = await insertAccount(deps, deps.db, {
      projectId,
      connectorProfileId: profileId,
      provider,
      originOwnerId: `bulk-${String(i).padStart(2, '0')}`,
      originOwnerName: `Bulk Customer ${i}`,
    });
    if (i % 10 === 0) {
      const reasons = [
        {
          code: 'refresh_failed',
          description: 'The refresh token was revoked (invalid_grant)',
          timestamp: new Date().toISOString(),
        },
      ];
      await deps.db.query("UPDATE accounts SET status = 'error', status_reasons = $2 WHERE id = $1", [
        a.id,
        JSON.stringify(reasons),
      ]);
    }
  }
  linked = await linkOneflow('globex-7', 'Globex Corporation');
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
});

const rowCount = (page: Page) => page.getByTestId('accounts-table').locator('tbody tr').count();
const summary = (page: Page) => page.getByTestId('pager').locator('p').textContent();

describe('dashboard pages in Chromium', () => {
  it('axe reports what it should: a planted unlabeled field and low-contrast text are caught', async () => {
    const page = await openDashboard(browser, server);
    await page.getByTestId('accounts-table').waitFor();
    await page.evaluate(() => {
      const input = document.createElement('input');
      const faint = document.createElement('p');
      faint.textContent = 'Planted text too faint to read';
      faint.style.color = '#f0f0f0';
      faint.style.background = '#ffffff';
      document.getElementById('main')!.prepend(input, faint);
    });
    const ids = (await axe(page, 'planted-violations')).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['label', 'color-contrast']));
    await page.context().close();
  });

  it('filters, searches and pages through accounts, with status reasons', async () => {
    const page = await openDashboard(browser, server);
    const errors = watchErrors(page);
    await page.getByTestId('accounts-table').waitFor();
    expect(await rowCount(page)).toBe(25);
    expect(await summary(page)).toBe('1–25 of 31 accounts');
    await page.getByTestId('page-next').click();
    await expect.poll(() => summary(page)).toBe('26–31 of 31 accounts');
    expect(await rowCount(page)).toBe(6);
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(await page.getByTestId('page-next').isDisabled()).toBe(true);
    await shot(page, 'dashboard-accounts-page-2');

    await page.getByTestId('page-prev').click();
    await expect.poll(() => summary(page)).toBe('1–25 of 31 accounts');
    await page.getByTestId('filter-status').selectOption('error');
    await expect.poll(() => summary(page)).toBe('1–3 of 3 accounts');
    expect(await page.getByTestId('accounts-table').textContent()).toMatch(
      /Error.*The refresh token was revoked \(invalid_grant\)/,
    );
    await page.getByTestId('filter-provider').selectOption('kustomer');
    await expect.poll(() => summary(page)).toBe('1–1 of 1 account');
    await shot(page, 'dashboard-accounts-filtered');
    await expectAccessible(page, 'accounts-filtered');

    // The filters live in the URL: a reload keeps them.
    await page.reload();
    await expect.poll(() => summary(page)).toBe('1–1 of 1 account');
    expect(await page.getByTestId('filter-provider').inputValue()).toBe('kustomer');
    expect(await page.getByTestId('filter-status').inputValue()).toBe('error');

    await page.getByTestId('clear-filters').click();
    await expect.poll(() => summary(page)).toBe('1–25 of 31 accounts');
    await page.getByTestId('account-search').fill('globex');
    await expect.poll(() => summary(page)).toBe('1–1 of 1 account');
    expect(await page.getByTestId('accounts-table').textContent()).toMatch(
      /Oneflow.*Globex Corporation.*globex-7.*Active/,
    );
    await page.getByTestId('account-search').fill('');
    await page.getByTestId('filter-owner').fill('bulk-07');
    await expect.poll(() => summary(page)).toBe('1–1 of 1 account');
    await page.getByTestId('filter-owner').fill('nobody-here');
    await page.getByTestId('accounts-no-match').waitFor();
    await page
      .getByTestId('accounts-no-match')
      .screenshot({ path: 'test-results/dashboard-accounts-no-match.png' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('webhooks: events chosen, secret rotated and shown once, delivery log with status, redelivery', {
    timeout: 60_000,
  }, async () => {
    const page = await openDashboard(browser, server, '/dashboard/webhooks');
    await page.getByTestId('empty-add-endpoint').click();
    await page.getByTestId('endpoint-url').fill(receiver.url);
    await page.getByTestId('endpoint-description').fill('Production backend');
    await page.getByTestId('event-all').uncheck();
    await page.getByTestId('event-account.created').uncheck();
    await page.getByTestId('event-account.error').uncheck();
    await page
      .getByTestId('endpoint-dialog')
      .screenshot({ path: 'test-results/dashboard-endpoint-dialog.png' });
    await page.getByTestId('endpoint-submit').click();
    const first = await page.getByTestId('webhook-secret').inputValue();
    await page.getByTestId('secret-done').click();
    await page.getByTestId('deliveries-empty').waitFor();
    const endpointId = new URL(page.url()).pathname.split('/').pop()!;
    expect((await api(server)('GET', `/webhooks/${endpointId}`)).json).toMatchObject({
      events: ['account.updated', 'account.deleted'],
      description: 'Production backend',
      active: true,
    });

    // Rotation: a confirmation, then the new secret once; the old one keeps signing for 24 h.
    await page.getByTestId('rotate-secret').click();
    await page.getByTestId('rotate-dialog-confirm').click();
    const second = await page.getByTestId('webhook-secret').inputValue();
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    await shot(page, 'dashboard-webhook-rotated', { viewport: true });
    await page.getByTestId('secret-done').click();
    await expect.poll(() => focused(page)).toBe('rotate-secret');

    // An event: suspending an account sends account.updated, signed with both secrets.
    await api(server)('POST', `/accounts/${linked}/suspend`);
    await expect
      .poll(() => receiver.received.filter((r) => r.json.account_id === linked).length, { timeout: 15_000 })
      .toBe(1);
    expect(String(receiver.received.at(-1)!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    await expect
      .poll(
        async () => {
          await page.getByTestId('refresh-deliveries').click();
          return page
            .getByTestId('delivery-account.updated')
            .locator('.badge')
            .first()
            .textContent()
            .catch(() => null);
        },
        { timeout: 15_000 },
      )
      .toBe('delivered');
    expect(await page.getByTestId('deliveries-table').textContent()).toMatch(
      /account\.updated.*delivered.*1.*HTTP 200/,
    );

    // Redeliver: the receiver gets the same event again.
    const [delivery] = (await api(server)('GET', `/webhooks/${endpointId}/deliveries`)).json;
    await page.getByTestId(`redeliver-${delivery.id}`).click();
    await expect
      .poll(() => receiver.received.filter((r) => r.json.event_id === delivery.event_id).length, {
        timeout: 15_000,
      })
      .toBe(2);
    await expect
      .poll(
        async () => {
          await page.getByTestId('refresh-deliveries').click();
          return page
            .getByTestId('deliveries-table')
            .locator('tbody tr')
            .first()
            .locator('td')
            .nth(2)
            .textContent();
        },
        { timeout: 15_000 },
      )
      .toBe('2');
    await page.getByTestId('delivery-status').selectOption('failed');
    await page.getByTestId('deliveries-empty').waitFor();
    await page.getByTestId('delivery-status').selectOption('');
    await page.getByTestId('deliveries-table').waitFor();
    await shot(page, 'dashboard-webhook-redelivered');
    await expectAccessible(page, 'webhook-deliveries');

    // Change the events, disable, then delete with confirmation.
    await page.getByTestId('event-all').check();
    await page.getByTestId('save-events').click();
    await expect
      .poll(async () => (await api(server)('GET', `/webhooks/${endpointId}`)).json.events)
      .toEqual(['*']);
    await page.getByTestId('toggle-endpoint').click();
    await expect
      .poll(async () => (await api(server)('GET', `/webhooks/${endpointId}`)).json.active)
      .toBe(false);
    await page.getByTestId('nav-webhooks').click();
    await page.getByTestId('endpoints-table').waitFor();
    expect(await page.getByTestId('endpoints-table').textContent()).toMatch(
      /Production backend.*All events.*Disabled/,
    );
    await shot(page, 'dashboard-webhooks-list');
    await page.getByTestId(`endpoint-link-${endpointId}`).click();
    await page.getByTestId('delete-endpoint').click();
    await page.getByTestId('delete-endpoint-dialog-confirm').click();
    await page.getByTestId('webhooks-empty').waitFor();
    expect((await api(server)('GET', '/webhooks')).json).toEqual([]);
    await api(server)('POST', `/accounts/${linked}/resume`);
    await page.context().close();
  });

  it('request logs: list, filters and detail with the provider request', { timeout: 60_000 }, async () => {
    const ok = await api(server)(
      'POST',
      '/unified/proxy',
      { method: 'get', path: '/ping' },
      { 'x-account-id': linked },
    );
    expect(ok.status).toBe(200);
    const missing = await api(server)(
      'POST',
      '/unified/proxy',
      { method: 'get', path: '/contracts/999999' },
      { 'x-account-id': linked },
    );
    expect(missing.status).toBeGreaterThanOrEqual(400);

    const page = await openDashboard(browser, server, '/dashboard/logs');
    await page.getByTestId('logs-table').waitFor();
    const rows = page.getByTestId('logs-table').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toMatch(/\/contracts\/999999/);
    expect(await rows.nth(1).textContent()).toMatch(/POST \/unified\/proxy|\/ping/);
    await shot(page, 'dashboard-logs');
    await expectAccessible(page, 'logs');

    await page.getByTestId('log-result').selectOption('true');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/200/);
    expect(new URL(page.url()).searchParams.get('result')).toBe('true');
    await page.getByTestId('log-result').selectOption('');
    await page.getByTestId('log-provider').selectOption('salesforce');
    await page.getByTestId('logs-no-match').waitFor();
    await page.getByTestId('log-provider').selectOption('oneflow');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByTestId('log-account').fill(linked);
    await expect.poll(() => rows.count()).toBe(2);

    await rows.nth(1).getByRole('link').first().click();
    await page.getByTestId('log-summary').waitFor();
    expect(await page.getByTestId('log-summary').textContent()).toMatch(
      new RegExp(`proxy.*oneflow.*${linked}`),
    );
    expect(await page.getByTestId('log-steps').textContent()).toMatch(/200.*GET .*\/v1\/ping/);
    await page.getByTestId('log-steps').locator('summary').first().click();
    await shot(page, 'dashboard-log-detail');
    await expectAccessible(page, 'log-detail');

    // The account's page lists its recent requests too.
    await page.goto(`${server.url}/dashboard/accounts/${linked}`);
    await page.getByTestId('account-requests').waitFor();
    expect(await page.getByTestId('account-requests').locator('tbody tr').count()).toBe(2);
    await page.context().close();
  });

  it('request logs turned off: the page says so, and still lists what was recorded before', {
    timeout: 60_000,
  }, async () => {
    const on = await openDashboard(browser, server, '/dashboard/logs');
    await on.getByTestId('logs-table').or(on.getByTestId('logs-empty')).first().waitFor();
    expect(await on.getByTestId('logs-recording-off').count()).toBe(0);
    await on.context().close();
    const off = await startTestServer({ SWITCHBOARD_REQUEST_LOGS: 'off' }, { workers: false });
    try {
      const page = await openDashboard(browser, off, '/dashboard/logs');
      const notice = page.getByTestId('logs-recording-off');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(
        /Recording is turned off on this server.*SWITCHBOARD_REQUEST_LOGS=off/,
      );
      await page.getByTestId('logs-empty').waitFor();
      await expectAccessible(page, 'logs-recording-off');
      await page.context().close();
    } finally {
      await off.close();
    }
  });

  it('API activity: platform calls by API key and in the dashboard, filters in the URL, cursor pages', {
    timeout: 60_000,
  }, async () => {
    // A project of its own: this file's other tests make platform calls in the default one.
    const key = generateApiKey();
    const project = await createProject(server.app.deps.db, 'Activity');
    await addApiKey(server.app.deps.db, project.projectId, key);
    const call = api(server, key);

    const page = await openDashboard(browser, { ...server, apiKey: key }, '/dashboard/activity');
    const errors = watchErrors(page);
    await page.getByTestId('activity-empty').waitFor();
    await expectAccessible(page, 'activity-empty');

    expect(
      (await createSession(server, { origin_owner_id: 'act-1', origin_owner_name: 'Activity Co' }, key))
        .token,
    ).toBeTruthy();
    expect((await call('GET', '/accounts')).status).toBe(200);
    expect((await call('GET', '/accounts/acc_missing')).status).toBe(404);

    await page.getByTestId('refresh-activity').click();
    const rows = page.getByTestId('activity-table').locator('tbody tr');
    const actions = () => rows.locator('td:nth-child(2) span:first-child').allTextContents();
    const sources = () => rows.locator('td:last-child').allTextContents();
    await expect.poll(() => rows.count()).toBe(3);
    // Newest first; the dashboard's own reads are hidden by default.
    expect(await rows.nth(0).textContent()).toMatch(
      /^.+Get accountAccounts · GET \/accounts\/acc_missingacc_missing404[\d.]+ msAPI key$/,
    );
    expect(await rows.nth(1).textContent()).toMatch(
      /List linked accountsAccounts · GET \/accounts—200[\d.]+ msAPI key$/,
    );
    expect(await rows.nth(2).textContent()).toMatch(
      /Create connect sessionConnect sessions · POST \/connect_sessions—201[\d.]+ msAPI key$/,
    );
    // All sources: the page's own first read is there too, made with the dashboard's session.
    await page.getByTestId('activity-source').selectOption('all');
    await expect.poll(actions).toContain('List platform logs');
    expect(await rows.filter({ hasText: 'List platform logs' }).first().textContent()).toMatch(
      /List platform logsLogs · GET \/requests\/platform-logs—200[\d.]+ msDashboard$/,
    );
    await page.getByTestId('activity-source').selectOption('');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).getByRole('link', { name: 'acc_missing' }).getAttribute('href')).toBe(
      '/dashboard/accounts/acc_missing',
    );
    expect(await rows.nth(1).getByRole('link').count()).toBe(0);
    await shot(page, 'dashboard-activity');
    await expectAccessible(page, 'activity');

    await page.getByTestId('activity-result').selectOption('false');
    await expect.poll(actions).toEqual(['Get account']);
    expect(await rows.first().textContent()).toMatch(/acc_missing404/);
    expect(new URL(page.url()).searchParams.get('result')).toBe('false');
    await shot(page, 'dashboard-activity-failed');
    // The filters live in the URL: a reload keeps them.
    await page.reload();
    await expect.poll(actions).toEqual(['Get account']);
    expect(await page.getByTestId('activity-result').inputValue()).toBe('false');

    await page.getByTestId('activity-result').selectOption('');
    await page.getByTestId('activity-category').selectOption('connect_sessions');
    await expect.poll(actions).toEqual(['Create connect session']);
    await page.getByTestId('activity-category').selectOption('');
    await page.getByTestId('activity-account').fill('acc_missing');
    await expect.poll(actions).toEqual(['Get account']);
    expect(new URL(page.url()).searchParams.get('account')).toBe('acc_missing');
    await page.getByTestId('activity-account').fill('');
    await expect.poll(actions).toEqual(['Get account', 'List linked accounts', 'Create connect session']);
    expect(await sources()).toEqual(['API key', 'API key', 'API key']);
    await page.getByTestId('activity-category').selectOption('webhooks');
    await page.getByTestId('activity-no-match').waitFor();

    // Something done in the dashboard: an endpoint added on the Webhooks page.
    await page.getByTestId('nav-webhooks').click();
    await page.getByTestId('empty-add-endpoint').click();
    await page.getByTestId('endpoint-url').fill(receiver.url);
    await page.getByTestId('endpoint-submit').click();
    await page.getByTestId('secret-done').click();
    await page.getByTestId('deliveries-empty').waitFor();
    await page.getByTestId('nav-activity').click();
    await page.getByTestId('activity-table').waitFor();
    expect(await page.getByTestId('activity-source').inputValue()).toBe('');
    await page.getByTestId('activity-source').selectOption('dashboard');
    // The unfiltered list shows the webhook too: wait for the filtered one (sources all Dashboard).
    await expect.poll(async () => new Set(await sources())).toEqual(new Set(['Dashboard']));
    expect(await actions()).toContain('Create webhook');
    expect(await rows.filter({ hasText: 'Create webhook' }).textContent()).toMatch(
      /Create webhookWebhooks · POST \/webhooks—201[\d.]+ msDashboard$/,
    );
    await page.getByTestId('activity-source').selectOption('');
    await expect.poll(actions).toEqual(['Get account', 'List linked accounts', 'Create connect session']);

    // Cursor pages of 25; changing a filter starts again from the first page.
    for (let i = 0; i < 25; i++) expect((await call('GET', '/connectors/meta')).status).toBe(200);
    await page.getByTestId('refresh-activity').click();
    await expect.poll(() => summary(page)).toBe('Calls 1–25');
    await page.getByTestId('page-next').click();
    await expect.poll(() => summary(page)).toBe('Calls 26–28');
    expect(await rows.count()).toBe(3);
    expect(await page.getByTestId('page-next').isDisabled()).toBe(true);
    await page.getByTestId('page-prev').click();
    await expect.poll(() => summary(page)).toBe('Calls 1–25');
    await page.getByTestId('page-next').click();
    await expect.poll(() => summary(page)).toBe('Calls 26–28');
    await page.getByTestId('activity-category').selectOption('accounts');
    await expect.poll(() => summary(page)).toBe('Calls 1–2');

    // A failed read says why and offers a retry, which loads the same filters again.
    const reads = (url: URL) => url.pathname === '/requests/platform-logs';
    await page.route(reads, (r) =>
      r.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ message: 'Database unavailable' }),
      }),
    );
    await page.getByTestId('refresh-activity').click();
    await expect
      .poll(() => page.getByTestId('error').textContent())
      .toMatch(/Could not load this page.*Database unavailable/);
    await page.unroute(reads);
    await page.getByTestId('error').getByRole('button', { name: 'Try again' }).click();
    await expect.poll(actions).toEqual(['Get account', 'List linked accounts']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('works on a phone-width screen: menu, stacked tables, full-screen dialogs, nothing scrolls sideways', {
    timeout: 60_000,
  }, async () => {
    const page = await openDashboard(browser, server, '/dashboard/accounts', {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await page.getByTestId('accounts-table').waitFor();
    expect(await fitsWidth(page)).toBe(true);
    expect(await page.getByTestId('nav-connectors').isVisible()).toBe(false);
    await shot(page, 'dashboard-phone-accounts');
    await page.getByTestId('menu-toggle').click();
    expect(await page.getByTestId('menu-toggle').getAttribute('aria-expanded')).toBe('true');
    await shot(page, 'dashboard-phone-menu', { viewport: true });
    await page.getByTestId('nav-connectors').click();
    await page.getByTestId('connector-list').waitFor();
    expect(await page.getByTestId('nav-connectors').isVisible()).toBe(false);
    expect(await fitsWidth(page)).toBe(true);

    const pages = [
      ['/dashboard/connectors/salesforce', 'setup-guide', 'dashboard-phone-connector'],
      [
        `/dashboard/connectors/salesforce/profiles/${profiles.salesforce}`,
        'profile-form',
        'dashboard-phone-profile-form',
      ],
      [`/dashboard/accounts/${linked}`, 'account-details', 'dashboard-phone-account'],
      ['/dashboard/webhooks', 'webhooks-empty', 'dashboard-phone-webhooks'],
      ['/dashboard/logs', 'logs-table', 'dashboard-phone-logs'],
      ['/dashboard/activity', 'activity-table', 'dashboard-phone-activity'],
    ] as const;
    for (const [p, testid, name] of pages) {
      await page.goto(server.url + p);
      await page.getByTestId(testid).waitFor();
      expect(await fitsWidth(page), p).toBe(true);
      await shot(page, name);
    }
    await page.goto(`${server.url}/dashboard/accounts`);
    await page.getByTestId('create-auth-link').click();
    await page.getByTestId('auth-link-dialog').waitFor();
    const box = await page.getByTestId('auth-link-dialog').boundingBox();
    expect(box?.width).toBe(390);
    await shot(page, 'dashboard-phone-auth-link', { viewport: true });
    await expectAccessible(page, 'phone-auth-link');
    await page.context().close();
  });

  it('is keyboard-first: skip link, focus order, focus kept in dialogs; dark mode passes the contrast check', async () => {
    const page = await openDashboard(browser, server, '/dashboard/accounts', { colorScheme: 'dark' });
    await page.getByTestId('accounts-table').waitFor();
    await page.locator('body').focus();
    const order: Array<string | null> = [];
    for (let i = 0; i < 13; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused(page));
    }
    expect(order).toEqual([
      'skip-link',
      'Switchboard',
      'nav-accounts',
      'nav-attempts',
      'nav-connectors',
      'nav-webhooks',
      'nav-logs',
      'nav-activity',
      'nav-feedback',
      'nav-branding',
      'sign-out',
      'link-account',
      'create-auth-link',
    ]);

    // The skip link lands on the page title; the next Tab is the page's first control.
    await page.reload();
    await page.getByTestId('accounts-table').waitFor();
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('page-title');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('link-account');

    // A dialog keeps Tab inside itself and gives the focus back when closed.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('auth-link-dialog').waitFor();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('create-auth-link');

    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(
      'rgb(255, 255, 255)',
    );
    await shot(page, 'dashboard-dark-accounts');
    await expectAccessible(page, 'dark-accounts');
    await page.goto(`${server.url}/dashboard/accounts/${linked}`);
    await page.getByTestId('account-details').waitFor();
    await expectAccessible(page, 'dark-account');
    await page.goto(`${server.url}/dashboard/connectors/salesforce/new`);
    await page.getByTestId('profile-form').waitFor();
    expect(await pageTitle(page)).toBe('New Salesforce profile');
    await shot(page, 'dashboard-dark-profile-form');
    await expectAccessible(page, 'dark-profile-form');
    await page.context().close();
  });
});
