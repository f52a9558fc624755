import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from './helpers/server.js';
import { ONEFLOW_EMAIL, ONEFLOW_TOKEN, SALESFORCE_CLIENT } from './helpers/linking.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { launchBrowser, watchErrors } from './helpers/browser.js';
import { clipboard, expectAccessible, focused, openDashboard, pageTitle, shot } from './helpers/dashboard.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';

let server: TestServer;
let fakes: SeedFakes;
let shipped: ShippedWorld;
let receiver: Receiver;
let browser: Browser;

beforeAll(async () => {
  shipped = await startShippedWorld();
  fakes = shipped.fakes;
  // The connectors run as shipped (the override fields the admin fills in below name the real
  // Salesforce hosts); the webhook receiver is on loopback, so the private-network switch is on.
  server = await startShippedServer(shipped, { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' });
  receiver = await startReceiver();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await shipped?.close();
  await receiver?.close();
});

const received = (event: string, accountId: string) =>
  receiver.received.filter((r) => r.json.event === event && r.json.account_id === accountId);

async function accountRowStatus(page: Page, id: string) {
  return page
    .getByTestId(`account-row-${id}`)
    .getByTestId('account-status')
    .getAttribute('data-status')
    .catch(() => null);
}

describe('dashboard in Chromium', () => {
  it('signs in with the API key into an httpOnly SameSite=Strict session; a wrong key is refused inline', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/dashboard`);
    await page.getByTestId('api-key').waitFor();
    expect(await focused(page)).toBe('api-key');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('sign-in');
    await shot(page, 'dashboard-sign-in');
    await expectAccessible(page, 'sign-in');

    await page.getByTestId('api-key').fill('sbk_not-a-real-key');
    await page.getByTestId('sign-in').click();
    await expect
      .poll(() => page.locator('.field-error').textContent())
      .toBe('That API key is not valid for this server');
    expect(await page.getByTestId('api-key').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'dashboard-sign-in-error');
    expect(await context.cookies()).toEqual([]);

    await page.getByTestId('api-key').fill(server.apiKey);
    await page.keyboard.press('Enter');
    await page.getByTestId('accounts-empty').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/accounts');
    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ name: 'sb_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    // Scripts never see the session id.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.getByTestId('project-id').textContent()).toBe(server.app.boot.project.projectId);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('teaches the next step on every empty page', async () => {
    const page = await openDashboard(browser, server);
    const empty = page.getByTestId('accounts-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/First enable a connector/);
    await shot(page, 'dashboard-accounts-empty');
    await expectAccessible(page, 'accounts-empty');
    await page.getByTestId('empty-setup-connector').click();
    await page.getByTestId('connector-list').waitFor();
    expect(await page.locator('.alert-info').textContent()).toMatch(/No connector is enabled yet/);
    expect(await page.getByTestId('connector-state-salesforce').textContent()).toBe('Disabled');
    await shot(page, 'dashboard-connectors-empty');
    await expectAccessible(page, 'connectors');

    await page.getByTestId('nav-webhooks').click();
    await page.getByTestId('webhooks-empty').waitFor();
    expect(await page.getByTestId('webhooks-empty').textContent()).toMatch(
      /account\.created when an end user links one/,
    );
    await shot(page, 'dashboard-webhooks-empty');
    await expectAccessible(page, 'webhooks-empty');

    await page.getByTestId('nav-logs').click();
    await page.getByTestId('logs-empty').waitFor();
    await shot(page, 'dashboard-logs-empty');
    await expectAccessible(page, 'logs-empty');
    await page.context().close();
  });

  it('main path: Salesforce profile → Auth Link → Hub against the fake → active → delete → account.deleted delivered', {
    timeout: 120_000,
  }, async () => {
    const page = await openDashboard(browser, server, '/dashboard/webhooks');
    const errors = watchErrors(page);

    // 1. A webhook endpoint for every event; its secret is shown once.
    await page.getByTestId('empty-add-endpoint').click();
    await page.getByTestId('endpoint-url').fill(receiver.url);
    expect(await page.getByTestId('event-all').isChecked()).toBe(true);
    await page.getByTestId('endpoint-submit').click();
    const secretField = page.getByTestId('webhook-secret');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    await page.getByTestId('webhook-secret-copy').click();
    expect(await clipboard(page)).toBe(secret);
    await shot(page, 'dashboard-webhook-secret', { viewport: true });
    await page.getByTestId('secret-done').click();
    await page.getByTestId('deliveries-empty').waitFor();
    const endpointPath = new URL(page.url()).pathname;
    expect(endpointPath).toMatch(/^\/dashboard\/webhooks\/whe_/);
    expect(await page.content()).not.toContain(secret);

    // 2. Salesforce's setup guide: copy the callback URL and register it with the (fake) Connected App.
    await page.getByTestId('nav-connectors').click();
    await page.getByTestId('connector-salesforce').getByRole('link', { name: 'Salesforce' }).click();
    await page.getByTestId('profiles-empty').waitFor();
    const guide = page.getByTestId('setup-guide');
    expect(await guide.textContent()).toMatch(/10–20 minutes/);
    await page.getByTestId('callback-url-copy').click();
    const callbackUrl = await clipboard(page);
    expect(callbackUrl).toBe(`${server.app.deps.settings.publicUrl()}/connect/oauth2/salesforce/callback`);
    expect(await page.getByTestId('guide-steps').textContent()).toContain(
      `set the Callback URL to ${callbackUrl}`,
    );
    fakes.salesforce.allowRedirectUri(callbackUrl);
    await shot(page, 'dashboard-salesforce-guide');
    await expectAccessible(page, 'connector-guide');

    // 3. Create the profile: production environment, a refused scope list first, URL overrides
    // (to login.salesforce.com, where the fake answers: the form is tested, not a way around it).
    await page.getByTestId('empty-create-profile').click();
    await page.getByTestId('profile-form').waitFor();
    expect(await page.getByTestId('env-production').isChecked()).toBe(true);
    await page.getByTestId('setup-client_id').fill(SALESFORCE_CLIENT.clientId);
    await page.getByTestId('setup-client_secret').fill(SALESFORCE_CLIENT.clientSecret);
    await page.getByTestId('setup-scopes').fill('api chatter_api');
    await page.getByTestId('profile-submit').click();
    const scopesRow = page.locator('.field', { has: page.getByTestId('setup-scopes') });
    await expect
      .poll(() => scopesRow.locator('.field-error').textContent())
      .toBe('Must include refresh_token or offline_access, otherwise Salesforce issues no refresh token');
    expect(await focused(page)).toBe('setup-scopes');
    await shot(page, 'dashboard-profile-scopes-error');
    await expectAccessible(page, 'profile-form');
    expect((await api(server)('GET', '/connector_profiles')).json).toEqual([]);
    await page.getByTestId('setup-scopes').fill('api refresh_token');
    // The Connected App grants what the admin enters: the fake insists on exactly these scopes.
    fakes.salesforce.fixture.setup.scopes = 'api refresh_token';
    await page.getByTestId('overrides').locator('summary').click();
    const s = fakes.salesforce.urls.authorize!.origin;
    await page.getByTestId('override-authorization_url').fill(`${s}/services/oauth2/authorize`);
    await page.getByTestId('override-token_url').fill(`${s}/services/oauth2/token`);
    await page.getByTestId('override-revoke_url').fill(`${s}/services/oauth2/revoke`);
    await page.getByTestId('profile-submit').click();
    await page.getByTestId('profiles-table').waitFor();
    await shot(page, 'dashboard-profile-created');
    const [profile] = (await api(server)('GET', '/connector_profiles')).json;
    expect(profile).toMatchObject({
      provider: 'salesforce',
      environment: 'production',
      active: true,
      default: true,
      pkce: true,
      setup: {
        client_id: SALESFORCE_CLIENT.clientId,
        client_secret: `__secretvalue:**redacted**${SALESFORCE_CLIENT.clientSecret.slice(-4)}`,
        scopes: 'api refresh_token',
      },
      overrides: {
        authorization_url: `${s}/services/oauth2/authorize`,
        token_url: `${s}/services/oauth2/token`,
        revoke_url: `${s}/services/oauth2/revoke`,
        base_url: null,
      },
    });

    // 4. Create Auth Link: owner, name, username, category and provider; a 5-day link with a copy button.
    await page.getByTestId('nav-accounts').click();
    await page.getByTestId('empty-create-auth-link').click();
    const dialog = page.getByTestId('auth-link-dialog');
    await dialog.waitFor();
    expect(await focused(page)).toBe('origin_owner_id');
    await dialog.getByLabel('Origin owner ID').fill('cust-42');
    await dialog.getByLabel('Origin owner name').fill('Acme Inc');
    await dialog.getByLabel('Origin username').fill('admin@acme.example');
    await dialog.getByLabel('Category').selectOption('crm');
    await dialog.getByLabel('Provider').selectOption('salesforce');
    await shot(page, 'dashboard-auth-link-form', { viewport: true });
    await expectAccessible(page, 'auth-link-dialog');
    await page.getByTestId('auth-link-submit').click();
    const linkField = page.getByTestId('auth-link-url');
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(
      new RegExp(`^${server.app.deps.settings.publicUrl()}/embedded/integrations\\?token=[A-Za-z0-9_-]{43}$`),
    );
    await page.getByTestId('auth-link-url-copy').click();
    expect(await clipboard(page)).toBe(link);
    expect(await page.getByTestId('auth-link-expiry').textContent()).toMatch(/expires on/);
    await shot(page, 'dashboard-auth-link-created', { viewport: true });
    const { rows } = await server.app.deps.db.query(
      "SELECT origin_owner_id, origin_owner_name, origin_username, categories, provider, extract(epoch FROM expires_at - created_at)::int AS ttl FROM connect_sessions WHERE origin_owner_id = 'cust-42'",
    );
    expect(rows).toEqual([
      {
        origin_owner_id: 'cust-42',
        origin_owner_name: 'Acme Inc',
        origin_username: 'admin@acme.example',
        categories: ['crm'],
        provider: 'salesforce',
        ttl: 432_000,
      },
    ]);
    await page.getByTestId('auth-link-done').click();

    // 5. The end user opens the link and completes Salesforce's OAuth flow (the fake) in the Hub.
    const endUser = await browser.newPage();
    await endUser.goto(link);
    // The link names Salesforce, the Hub's only choice: it opens Salesforce's page directly.
    await endUser.getByTestId('connect').waitFor();
    expect(await endUser.locator('h1').textContent()).toMatch(/Salesforce/);
    const popup = endUser.waitForEvent('popup');
    await endUser.getByTestId('connect').click();
    await popup;
    const success = endUser.getByTestId('success');
    await success.waitFor({ timeout: 15_000 });
    const accountId = (await success.getAttribute('data-account-id'))!;
    expect(accountId).toMatch(/^acc_/);
    await endUser.close();

    // 6. The account is on the Accounts page, active.
    await page.bringToFront();
    await page.getByTestId('nav-accounts').click();
    await expect.poll(() => accountRowStatus(page, accountId), { timeout: 10_000 }).toBe('active');
    expect(await page.getByTestId('accounts-table').textContent()).toMatch(
      /Salesforce.*Acme Inc.*cust-42 · admin@acme\.example.*Active/,
    );
    await shot(page, 'dashboard-accounts-active');
    await expectAccessible(page, 'accounts');
    await expect.poll(() => received('account.created', accountId).length, { timeout: 15_000 }).toBe(1);

    // 7. Its page: setup information, redacted credentials, webhooks sent; then delete it.
    await page.getByTestId(`account-link-${accountId}`).click();
    await page.getByTestId('account-details').waitFor();
    expect(await pageTitle(page)).toBe('Acme Inc · Salesforce');
    await expect
      .poll(
        () =>
          page
            .getByTestId('account-events')
            .textContent()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toMatch(/account\.created.*delivered/);
    await shot(page, 'dashboard-account-detail');
    await expectAccessible(page, 'account-detail');
    await page.getByTestId('delete-account').click();
    await page.getByTestId('delete-dialog').waitFor();
    // The safe choice has the focus: Enter right away cancels.
    expect(await focused(page)).toBe('delete-dialog-cancel');
    await shot(page, 'dashboard-delete-confirm', { viewport: true });
    await page.getByTestId('delete-dialog-confirm').click();
    await page.getByTestId('accounts-empty').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/accounts');
    expect((await api(server)('GET', `/accounts/${accountId}`)).status).toBe(404);

    // 8. account.deleted reaches the receiver, signed, and the delivery log says delivered.
    await expect.poll(() => received('account.deleted', accountId).length, { timeout: 15_000 }).toBe(1);
    const deleted = received('account.deleted', accountId)[0]!;
    expect(deleted.json).toMatchObject({
      event: 'account.deleted',
      account_id: accountId,
      provider: 'salesforce',
      origin_owner_id: 'cust-42',
      origin_owner_name: 'Acme Inc',
    });
    expect(deleted.headers['webhook-signature']).toMatch(/^v1,/);
    await page.goto(server.url + endpointPath);
    await expect
      .poll(
        async () => {
          await page.getByTestId('refresh-deliveries').click();
          return page
            .getByTestId('delivery-account.deleted')
            .locator('.badge')
            .first()
            .textContent()
            .catch(() => null);
        },
        { timeout: 15_000 },
      )
      .toBe('delivered');
    expect(await page.getByTestId('deliveries-table').textContent()).toMatch(/account\.created/);
    await shot(page, 'dashboard-webhook-deliveries');
    await expectAccessible(page, 'webhook-detail');

    // 9. API activity on the account: opened and deleted in the dashboard, then looked up by the backend.
    await page.getByTestId('nav-activity').click();
    // The dashboard's own calls are hidden by default: show every source.
    await page.getByTestId('activity-source').selectOption('all');
    await page.getByTestId('activity-account').fill(accountId);
    const activity = page.getByTestId('activity-table').locator('tbody tr');
    await expect
      .poll(() => activity.locator('td:nth-child(2) span:first-child').allTextContents())
      .toEqual(['Get account', 'Delete account', 'Get account events', 'Get account']);
    expect(await activity.locator('td:last-child').allTextContents()).toEqual([
      'API key',
      'Dashboard',
      'Dashboard',
      'Dashboard',
    ]);
    expect(await activity.nth(1).textContent()).toMatch(
      new RegExp(`Delete accountAccounts · DELETE /accounts/${accountId}${accountId}2\\d\\d`),
    );
    expect(await activity.nth(0).locator('.badge').first().textContent()).toBe('404');
    await shot(page, 'dashboard-activity-account');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('edits a profile without revealing or losing its secret, and toggles it off and on', async () => {
    const [profile] = (await api(server)('GET', '/connector_profiles')).json;
    const page = await openDashboard(
      browser,
      server,
      `/dashboard/connectors/salesforce/profiles/${profile.id}`,
    );
    const secret = page.getByTestId('setup-client_secret');
    await secret.waitFor();
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('type')).toBe('password');
    expect(await secret.getAttribute('placeholder')).toBe(
      `Stored · ends in ${SALESFORCE_CLIENT.clientSecret.slice(-4)}`,
    );
    expect(await page.content()).not.toContain(SALESFORCE_CLIENT.clientSecret);
    await page.getByTestId('profile-label').fill('Salesforce (production)');
    await page.getByTestId('env-sandbox').check();
    await page.getByTestId('profile-submit').click();
    await page.getByTestId('profiles-table').waitFor();
    const saved = (await api(server)('GET', `/connector_profiles/${profile.id}`)).json;
    expect(saved).toMatchObject({
      label: 'Salesforce (production)',
      environment: 'sandbox',
      setup: { client_secret: profile.setup.client_secret },
    });
    // The stored secret is unchanged, not replaced by an empty value.
    const opened = await server.app.deps.db.query(
      'SELECT setup_secrets FROM connector_profiles WHERE id = $1',
      [profile.id],
    );
    expect(
      server.app.deps.vault.openJson<Record<string, string>>(opened.rows[0].setup_secrets).client_secret,
    ).toBe(SALESFORCE_CLIENT.clientSecret);

    await page.getByTestId(`toggle-profile-${profile.id}`).click();
    await expect
      .poll(async () => (await api(server)('GET', `/connector_profiles/${profile.id}`)).json.active)
      .toBe(false);
    await page.getByTestId('nav-connectors').click();
    await expect.poll(() => page.getByTestId('connector-state-salesforce').textContent()).toBe('Disabled');
    await page.getByTestId('connector-salesforce').getByRole('link').click();
    await page.getByTestId(`toggle-profile-${profile.id}`).click();
    await expect
      .poll(async () => (await api(server)('GET', `/connector_profiles/${profile.id}`)).json.active)
      .toBe(true);
    await api(server)('PATCH', `/connector_profiles/${profile.id}`, { environment: 'production' });
    await page.context().close();
  });

  it('links an account directly from the dashboard (the Hub opens in a new tab), suspends, resumes and re-connects it', {
    timeout: 90_000,
  }, async () => {
    const oneflow = await api(server)('POST', '/connector_profiles', {
      provider: 'oneflow',
    });
    expect(oneflow.status).toBe(201);
    const page = await openDashboard(browser, server);
    await page.getByTestId('link-account').click();
    const dialog = page.getByTestId('link-now-dialog');
    await dialog.getByLabel('Origin owner ID').fill('direct-1');
    await dialog.getByLabel('Origin owner name').fill('Direct Ltd');
    await dialog.getByLabel('Provider').selectOption('oneflow');
    await shot(page, 'dashboard-link-now', { viewport: true });
    const tabPromise = page.waitForEvent('popup');
    await page.getByTestId('link-now-submit').click();
    const tab = await tabPromise;
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toBe('/embedded/integrations');
    expect(await dialog.textContent()).toMatch(/The Hub is open in a new tab/);
    await tab.locator('input[name="api_token"]').fill(ONEFLOW_TOKEN);
    await tab.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await tab.getByTestId('connect').click();
    const accountId = (await tab.getByTestId('success').getAttribute('data-account-id'))!;
    await tab.close();
    await page.keyboard.press('Escape');
    await page.getByTestId('account-search').fill('Direct');
    await expect.poll(() => accountRowStatus(page, accountId), { timeout: 10_000 }).toBe('active');

    await page.getByTestId(`account-link-${accountId}`).click();
    await page.getByTestId('suspend').click();
    await page.getByTestId('suspend-dialog-confirm').click();
    await expect.poll(() => page.getByTestId('account-status').first().textContent()).toBe('Suspended');
    expect(await page.getByTestId('status-reasons').textContent()).toMatch(
      /suspended: Suspended by a project admin/,
    );
    expect((await api(server)('GET', `/accounts/${accountId}`)).json.status).toBe('inactive');
    await expect
      .poll(() =>
        received('account.updated', accountId).map((r) => (r.json.data as { status: string }).status),
      )
      .toEqual(['inactive']);
    await shot(page, 'dashboard-account-suspended');
    await page.getByTestId('resume').click();
    await expect.poll(() => page.getByTestId('account-status').first().textContent()).toBe('Active');
    expect((await api(server)('GET', `/accounts/${accountId}`)).json.status).toBe('active');

    await page.getByTestId('reconnect').click();
    const reconnect = page.getByTestId('reconnect-dialog');
    await reconnect.getByTestId('auth-link-url').waitFor();
    const link = await reconnect.getByTestId('auth-link-url').inputValue();
    await shot(page, 'dashboard-reconnect-link', { viewport: true });
    const session = await api(server)('POST', '/connect_sessions/authenticate', {
      token: new URL(link).searchParams.get('token'),
    });
    expect(session.json).toMatchObject({
      account_id: accountId,
      provider: 'oneflow',
      origin_owner_id: 'direct-1',
    });
    // Closing the dialog with Escape gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('reconnect');
    await page.context().close();
  });

  it('signs out: back to the sign-in form, and the old cookie no longer works', async () => {
    const page = await openDashboard(browser, server);
    const [cookie] = await page.context().cookies();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('api-key').waitFor();
    expect(await page.locator('.alert-info').textContent()).toMatch(/You are signed out/);
    expect(await page.context().cookies()).toEqual([]);
    const res = await fetch(`${server.url}/accounts`, {
      headers: { cookie: `${cookie!.name}=${cookie!.value}` },
    });
    expect(res.status).toBe(401);
    await page.context().close();
  });
});
