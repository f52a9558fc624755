import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from './helpers/server.js';
import { createSession, hub, KUSTOMER_CLIENT, ONEFLOW_EMAIL, ONEFLOW_TOKEN } from './helpers/linking.js';
import type { SeedFakes } from './helpers/seed-fakes.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import { closedPort } from './helpers/upstream.js';
import {
  axeFindings,
  focusedTestId,
  INTERNAL,
  popupStart,
  stepThrough,
  visibleText,
} from './helpers/hub-page.js';

/** The Auth Link page when things go wrong: closed sign-in windows, refusals, dead links. */
let server: TestServer;
let fakes: SeedFakes;
let browser: Browser;
let profiles: Profiles;

/** A Oneflow that is down: the internet stand-in routes this name to a port nothing listens on. */
const DOWN = 'https://api.oneflow-down.test';

// "Provider unreachable" points a profile's base URL override at DOWN on purpose (one host name
// cannot be a working and a dead Oneflow at once); every other case reaches the fakes at their
// real host names. The private-network switch stays off.
const world = useWorld({
  routes: async () => [{ hosts: [new URL(DOWN).hostname], port: await closedPort() }],
});
beforeAll(async () => {
  ({ server, fakes, profiles } = world);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openAuthLink(owner: string, extra: Record<string, unknown> = {}) {
  const s = await createSession(server, { origin_owner_id: owner, ...extra });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(s.auth_link_url);
  return { page, errors, token: s.token };
}

async function accountsOf(owner: string) {
  return (await api(server)('GET', `/accounts?origin_owner_id=${owner}`)).json as Array<{
    id: string;
    provider: string;
  }>;
}

async function fillKustomer(page: Page) {
  await page.getByTestId('integration-kustomer').click();
  await page.locator('input[name="client_id"]').fill(KUSTOMER_CLIENT.clientId);
  await page.locator('input[name="client_secret"]').fill(KUSTOMER_CLIENT.clientSecret);
  await page.locator('input[name="org_name"]').fill('acme');
}

const kustomerValues = (page: Page) =>
  Promise.all(
    ['client_id', 'client_secret', 'org_name'].map((k) => page.locator(`input[name="${k}"]`).inputValue()),
  );

/** An end-user error: one plain line, no developer words, the evidence in a closed Details, the alert focused, axe clean. */
async function expectPlainError(page: Page, name: string, line: RegExp) {
  const alert = page.getByTestId('error');
  await alert.waitFor({ timeout: 15_000 });
  expect(await alert.getByTestId('problem').innerText()).toMatch(line);
  expect(await visibleText(page)).not.toMatch(INTERNAL);
  expect(await alert.locator('details').count()).toBe(1);
  expect(await alert.locator('details').getAttribute('open')).toBeNull();
  expect(await focusedTestId(page)).toBe('error');
  expect(await axeFindings(page, name)).toEqual([]);
  await screenshot(page, name);
}

describe('a closed sign-in window', () => {
  it('is noticed, cancels the attempt, keeps what was typed; Connect then links', async () => {
    const { page, errors, token } = await openAuthLink('e-closed');
    await fillKustomer(page);
    // The user is on the provider's own (cross-origin) sign-in page when they close the window.
    const begin = popupStart;
    const authorize = (u: URL) =>
      u.origin === fakes.kustomer.urls.authorize!.origin && u.pathname === '/oauth/authorize';
    await stepThrough(page.context(), begin);
    await page.context().route(authorize, (r) =>
      r.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>Kustomer</title><h1>Sign in to Kustomer</h1>',
      }),
    );
    const popupEvent = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    const popup = await popupEvent;
    await popup.waitForURL(authorize);
    const attemptId = await page.getByTestId('waiting').getAttribute('data-attempt-id');
    // Past the first seconds, in which a "closed" window may be one cut off by the provider's opener policy.
    await page.waitForTimeout(2_500);
    await popup.close();

    const warning = page.getByTestId('warning');
    await warning.waitFor({ timeout: 5_000 }); // not the old five minutes
    expect(await warning.innerText()).toMatch(
      /sign-in window was closed before you finished.*Press Connect to try again/s,
    );
    expect((await hub(server, token)('GET', `/hub/connection_attempts/${attemptId}`)).json.status).toBe(
      'cancelled',
    );
    expect(await kustomerValues(page)).toEqual([
      KUSTOMER_CLIENT.clientId,
      KUSTOMER_CLIENT.clientSecret,
      'acme',
    ]);
    expect(await focusedTestId(page)).toBe('warning');
    expect(await visibleText(page)).not.toMatch(INTERNAL);
    expect(await axeFindings(page, 'hub-popup-closed')).toEqual([]);
    await screenshot(page, 'hub-popup-closed');

    await page.context().unroute(authorize);
    await page.context().unroute(begin);
    const again = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    await again;
    await page.getByTestId('success').waitFor({ timeout: 15_000 });
    expect(await accountsOf('e-closed')).toEqual([expect.objectContaining({ provider: 'kustomer' })]);
    expect(errors).toEqual([]);
  });

  it('that finished and closed itself is reported as connected, never as cancelled', async () => {
    const { page } = await openAuthLink('e-race');
    await page.getByTestId('integration-salesforce').click();
    // The server finishes the sign-in, then the window closes at once, without telling the Hub
    // (as when the opener link is lost): only a fresh look at the attempt can tell.
    await stepThrough(page.context(), (u) => popupStart(u) || u.pathname.endsWith('/oauth2/authorize'));
    const callback = (u: URL) => u.pathname === '/connect/oauth2/salesforce/callback';
    let intercepted = 0;
    await page.context().route(callback, async (r) => {
      intercepted++;
      await new Promise((res) => setTimeout(res, 2_500));
      const answer = await r.fetch({ maxRedirects: 0 });
      expect(answer.status()).toBe(302);
      await r.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>Done</title><script>window.close()</script>',
      });
    });
    const popup = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    await (await popup).waitForEvent('close', { timeout: 15_000 });
    await page.getByTestId('success').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('warning').count()).toBe(0);
    expect(intercepted).toBe(1);
    expect(await accountsOf('e-race')).toEqual([expect.objectContaining({ provider: 'salesforce' })]);
  });
});

describe('the keyboard in a form', () => {
  it('reaches Back right after the heading, and Escape goes back to the list', async () => {
    const { page } = await openAuthLink('e-escape');
    await page.getByTestId('integration-oneflow').click();
    await page.locator('input[name="api_token"]').fill('typed-but-not-sent');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('api_token');
    await page.locator('h1').focus();
    await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('back');
    await page.keyboard.press('Escape');
    await page.getByTestId('search').waitFor();
    expect(await focusedTestId(page)).toBe('integration-oneflow');
    // …and the form remembers what was typed.
    await page.keyboard.press('Enter');
    expect(await page.locator('input[name="api_token"]').inputValue()).toBe('typed-but-not-sent');
  });
});

describe('errors in plain words', () => {
  it('consent denied: says so, offers Try again (values kept) and Choose another app', async () => {
    const { page } = await openAuthLink('e-denied');
    // The lasting answer, not a one-shot denial: the server's authorize preflight GET would use that up.
    fakes.kustomer.denyNextAuthorization(Infinity);
    await fillKustomer(page);
    await page.getByTestId('connect').click();
    try {
      await expectPlainError(
        page,
        'hub-oauth-denied',
        /^You didn't allow access to Kustomer\. Try again when you're ready\.$/,
      );
    } finally {
      fakes.kustomer.denyNextAuthorization(0);
    }
    await page.getByTestId('error').locator('summary').click();
    // The provider's own words wait behind Details.
    expect(await page.getByTestId('details').innerText()).toContain(
      fakes.kustomer.fixture.authorize.denied_description,
    );
    expect(await page.getByTestId('choose-another').count()).toBe(1);
    await page.getByTestId('try-again').click();
    await page.locator('input[name="client_id"]').waitFor();
    expect(await kustomerValues(page)).toEqual([
      KUSTOMER_CLIENT.clientId,
      KUSTOMER_CLIENT.clientSecret,
      'acme',
    ]);
    expect(await accountsOf('e-denied')).toEqual([]);
  });

  it('credentials refused by the provider', async () => {
    const { page } = await openAuthLink('e-refused');
    await page.getByTestId('integration-oneflow').click();
    await page.locator('input[name="api_token"]').fill('Q'.repeat(40));
    await page.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await page.getByTestId('connect').click();
    await expectPlainError(
      page,
      'hub-oneflow-refused',
      /^Oneflow did not accept these details\. Check them and try again\.$/,
    );
    await page.getByTestId('error').locator('summary').click();
    expect(await page.getByTestId('details').innerText()).toMatch(/Oneflow rejected the credentials/);
    // The form is still there to correct.
    expect(await page.locator('input[name="user_email"]').inputValue()).toBe(ONEFLOW_EMAIL);
  });

  it('provider unreachable', async () => {
    const call = api(server);
    const patched = await call('PATCH', `/connector_profiles/${profiles.oneflow}`, {
      overrides: { base_url: `${DOWN}/v1` },
    });
    expect(patched.status).toBe(200);
    try {
      const { page } = await openAuthLink('e-unreachable');
      await page.getByTestId('integration-oneflow').click();
      await page.locator('input[name="api_token"]').fill(ONEFLOW_TOKEN);
      await page.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
      await page.getByTestId('connect').click();
      await expectPlainError(
        page,
        'hub-oneflow-unreachable',
        /^We could not reach Oneflow\. Your details were not saved\. Please try again in a few minutes\.$/,
      );
    } finally {
      // Back to the connector's own base URL, as shipped.
      await call('PATCH', `/connector_profiles/${profiles.oneflow}`, { overrides: { base_url: null } });
    }
    expect(await accountsOf('e-unreachable')).toEqual([]);
  });

  it('on a phone: the error fits, Back and the guide link are at least 24 px tall', async () => {
    const s = await createSession(server, { origin_owner_id: 'e-phone' });
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('integration-oneflow').click();
    for (const el of [page.getByTestId('back'), page.locator('a.guide')])
      expect((await el.boundingBox())!.height).toBeGreaterThanOrEqual(24);
    await page.locator('input[name="api_token"]').fill('Q'.repeat(40));
    await page.locator('input[name="user_email"]').fill(ONEFLOW_EMAIL);
    await page.getByTestId('connect').click();
    await expectPlainError(page, 'hub-phone-oneflow-refused', /^Oneflow did not accept these details/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('a value the server refuses names the field, not the schema', async () => {
    const { page } = await openAuthLink('e-validation');
    await page.getByTestId('integration-oneflow').click();
    await page.locator('input[name="api_token"]').fill(ONEFLOW_TOKEN);
    // Passes the page's checks; the server's are stricter ("credentials.user_email: Too big: …").
    await page.locator('input[name="user_email"]').fill(`${'a'.repeat(9000)}@example.com`);
    await page.getByTestId('connect').click();
    await expectPlainError(page, 'hub-validation', /^User Email is not valid\. Check it and try again\.$/);
  });

  it('the OAuth callback page, shown on its own, speaks the same words', async () => {
    const page = await browser.newPage();
    await page.goto(
      `${server.url}/embedded/accounts/callback?status=error&provider=kustomer&error=token_error&error_description=${encodeURIComponent('Could not reach Kustomer: timed out')}`,
    );
    const result = page.getByTestId('callback-result');
    await expect.poll(() => result.getAttribute('data-status')).toBe('error');
    const text = await result.innerText();
    expect(text).toMatch(/We could not reach Kustomer\. Your details were not saved/);
    expect(text).not.toMatch(INTERNAL);
    expect(await result.locator('details').count()).toBe(1);
    expect(await axeFindings(page, 'hub-callback-error')).toEqual([]);
    await screenshot(page, 'hub-callback-error');
  });
  it("the popup's own error page (no session or state to go back with) speaks plainly too", async () => {
    const page = await browser.newPage();
    const start = await page.goto(
      `${server.url}/connect/oauth2/${profiles.kustomer}?token=garbage-token-that-never-existed&connection_attempt_id=x`,
    );
    expect(start?.status()).toBe(401);
    expect(await page.locator('main').innerText()).toMatch(
      /This link has expired or is not valid\. Ask the company that sent you this link for a new one\./,
    );
    const replay = await page.goto(
      `${server.url}/connect/oauth2/kustomer/callback?state=not-a-state-we-issued&code=x`,
    );
    expect(replay?.status()).toBe(400);
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/Close this window and press Connect again/);
    expect(text).not.toMatch(/already used/); // the server's words wait behind Details
    expect(await page.locator('details').count()).toBe(1);
    expect(await axeFindings(page, 'hub-popup-error-page')).toEqual([]);
    await screenshot(page, 'hub-popup-error-page');
  });
});

describe('a link that no longer works', () => {
  it('expired: says for whom it was made and whom to ask', async () => {
    const s = await createSession(server, { origin_owner_id: 'e-expired', origin_owner_name: 'Acme Inc' });
    expect((await hub(server, s.token)('GET', '/hub/link_status')).json).toEqual({ status: 'active' });
    await server.app.deps.db.query(
      "UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [s.id],
    );
    const page = await browser.newPage();
    await page.goto(s.auth_link_url);
    const state = page.getByTestId('expired');
    await state.waitFor();
    expect(await state.innerText()).toMatch(
      /This link for Acme Inc has expired\.[\s\S]*Ask the company that sent you this link for a new one\./,
    );
    expect(await page.title()).toMatch(/^Link expired/);
    expect(await axeFindings(page, 'hub-link-expired')).toEqual([]);
    await screenshot(page, 'hub-link-expired');
  });

  it('garbage or missing token: "not valid", never "expired"', async () => {
    expect((await hub(server, 'garbage-token-that-never-existed')('GET', '/hub/link_status')).json).toEqual({
      status: 'invalid',
    });
    const page = await browser.newPage();
    for (const q of ['?token=garbage-token-that-never-existed', '']) {
      await page.goto(`${server.url}/embedded/integrations${q}`);
      const state = page.getByTestId('invalid-link');
      await state.waitFor();
      const text = await state.innerText();
      expect(text).toMatch(/This link is not valid\./);
      expect(text).not.toMatch(/expired/i);
    }
    expect(await axeFindings(page, 'hub-link-invalid')).toEqual([]);
    await screenshot(page, 'hub-link-invalid');
  });
});
