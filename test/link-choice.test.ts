// The account chooser, as shipped: Xero's sign-in finds two organisations (the generic fake
// plays api.xero.com and login.xero.com from the connector file and its fixture), so the sign-in
// window asks the end user which one to link. The choice belongs to the browser that signed in,
// is answered once, shows names only, survives housekeeping while the end user reads it, and the
// organisation chosen is the one the account keeps. Then the same in Chromium, from the Auth Link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BUILTIN_CONNECTORS_DIR, loadConnectors } from '../src/connectors/loader.js';
import { contractChecks, type ContractWorld, startContractWorld } from '../src/kit/contract.js';
import { fixturePath, loadFixture } from '../src/kit/fixture.js';
import { housekeeping } from '../src/jobs/housekeeping.js';
import { cookieJar, jsonPost } from './helpers/cookie-jar.js';
import { createSession, hub } from './helpers/linking.js';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { setCurrentInternet } from './helpers/internet.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import { axeFindings, INTERNAL } from './helpers/hub-page.js';

const RETURN = 'https://app.example.com/embedded/accounts/callback';
const DEMO = { tenantId: 'fe79f7dd-b6d4-4a92-ba7b-538af6289c58', name: 'Demo Company (NZ)' };
const KITCHENS = { tenantId: '3a4f1e2b-77c1-4f0e-8d3e-5b9a2c6d7e80', name: 'Ada Kitchens Ltd' };

let world: ContractWorld & { close(): Promise<void> };
let server: TestServer;

beforeAll(async () => {
  const connector = (await loadConnectors()).get('xero')!;
  const fixture = await loadFixture(fixturePath(BUILTIN_CONNECTORS_DIR, 'xero'));
  world = await startContractWorld(connector, fixture, async (http) => {
    server = await startTestServer({}, { http });
    return server;
  });
  setCurrentInternet(world.internet);
  const profile = contractChecks(connector, fixture).find((c) => c.name.startsWith('profile:'))!;
  await profile.run(world);
});
afterAll(async () => {
  setCurrentInternet(undefined);
  await world?.close();
});

type Jar = ReturnType<typeof cookieJar>;

/** Signs in through the fake up to the chooser; returns the chooser page, the attempt and the browser. */
async function toChooser(owner: string, jar: Jar = cookieJar(world.internet.http)) {
  const s = await createSession(server, { origin_owner_id: owner });
  const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  expect(attempt.status).toBe(201);
  const q = new URLSearchParams({
    redirect_uri: RETURN,
    token: s.token,
    connection_attempt_id: attempt.json.id,
  });
  let url = `${server.url}/connect/oauth2/${world.state.profileId}?${q}`;
  for (let i = 0; i < 10; i++) {
    const res = await jar(url, { redirect: 'manual' });
    const to = res.headers.get('location');
    expect(res.status, `${url}: ${await res.text()}`).toBe(302);
    const next = new URL(to!, url);
    if (next.searchParams.get('status') === 'choose') {
      expect(next.origin + next.pathname).toBe(`${server.url}/embedded/accounts/callback`);
      return { page: next, id: next.searchParams.get('choice')!, attemptId: attempt.json.id as string, jar };
    }
    expect(next.href.startsWith(RETURN), `the sign-in ended before a choice: ${next}`).toBe(false);
    url = next.toString();
  }
  throw new Error('no chooser');
}

const choiceUrl = (id: string) => `${server.url}/connect/oauth2/choices/${id}`;

async function attemptOf(id: string) {
  const { rows } = await server.app.deps.db.query(
    'SELECT status, error_code FROM connection_attempts WHERE id = $1',
    [id],
  );
  return rows[0] as { status: string; error_code: string | null };
}

async function accountsOf(owner: string) {
  return (await api(server)('GET', `/accounts?origin_owner_id=${owner}`)).json as Array<{ id: string }>;
}

describe('account chooser (Xero, as shipped)', () => {
  it('shows the organisations by name only, to the browser that signed in', async () => {
    const c = await toChooser('choice-view');
    expect(c.page.searchParams.get('provider')).toBe('xero');
    const view = await c.jar(choiceUrl(c.id));
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('no-store');
    const body = await view.text();
    expect(JSON.parse(body)).toEqual({
      provider: 'xero',
      name: 'Xero',
      options: [{ label: DEMO.name }, { label: KITCHENS.name }],
      expires_at: expect.any(String),
    });
    // The practice was filtered out by the connector's select; no tenant id or token is shown.
    expect(body).not.toContain(DEMO.tenantId);
    expect(body).not.toContain('practice');
    // Another browser (no cookie) holding the link gets nothing, and cannot answer.
    const other = cookieJar(world.internet.http);
    expect((await other(choiceUrl(c.id))).status).toBe(404);
    const stolen = await other(choiceUrl(c.id), jsonPost({ option: 0 }));
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { code?: string }).code).toBe('LINK_CHOICE_NOT_FOUND');
    expect((await attemptOf(c.attemptId)).status).toBe('pending');
  });

  it('refuses an option that does not exist and keeps the choice open; links the one chosen, once', async () => {
    const c = await toChooser('choice-link');
    const bad = await c.jar(choiceUrl(c.id), jsonPost({ option: 9 }));
    expect(bad.status).toBe(400);
    const malformed = await c.jar(choiceUrl(c.id), jsonPost({ option: '1; drop' }));
    expect(malformed.status).toBe(400);
    expect(await accountsOf('choice-link')).toEqual([]);
    expect((await c.jar(choiceUrl(c.id))).status).toBe(200);

    const ok = await c.jar(choiceUrl(c.id), jsonPost({ option: 1 }));
    expect(ok.status).toBe(200);
    const next = new URL(((await ok.json()) as { redirect: string }).redirect);
    expect(next.origin + next.pathname).toBe(RETURN);
    expect(next.searchParams.get('status')).toBe('success');
    const accountId = next.searchParams.get('account_id')!;
    const row = (
      await server.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [accountId])
    ).rows[0];
    const creds = server.app.deps.vault.openJson<Record<string, unknown>>(row.credentials);
    expect(creds.tenant_id).toBe(KITCHENS.tenantId);
    expect(creds.tenant_name).toBe(KITCHENS.name);
    expect((await attemptOf(c.attemptId)).status).toBe('authenticated');

    // Answered once: a second answer (the same browser, another option) changes nothing.
    const again = await c.jar(choiceUrl(c.id), jsonPost({ option: 0 }));
    expect(again.status).toBe(404);
    expect(await accountsOf('choice-link')).toHaveLength(1);
  });

  it('a cancel ends the attempt as cancelled and links nothing', async () => {
    const c = await toChooser('choice-cancel');
    const res = await c.jar(choiceUrl(c.id), jsonPost({ cancel: true }));
    expect(res.status).toBe(200);
    const next = new URL(((await res.json()) as { redirect: string }).redirect);
    expect(next.searchParams.get('status')).toBe('error');
    expect(next.searchParams.get('error')).toBe('cancelled');
    expect((await attemptOf(c.attemptId)).status).toBe('cancelled');
    expect(await accountsOf('choice-cancel')).toEqual([]);
    expect((await c.jar(choiceUrl(c.id))).status).toBe(404);
  });

  it('an answer after the link expired ends the attempt with session_expired and links nothing', async () => {
    const c = await toChooser('choice-late');
    await server.app.deps.db.query(
      "UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE origin_owner_id = 'choice-late'",
    );
    const res = await c.jar(choiceUrl(c.id), jsonPost({ option: 1 }));
    expect(res.status).toBe(200);
    const next = new URL(((await res.json()) as { redirect: string }).redirect);
    expect(next.searchParams.get('error')).toBe('session_expired');
    expect(await accountsOf('choice-late')).toEqual([]);
  });

  it('housekeeping leaves an attempt alone while its end user is choosing, and removes the tokens after', async () => {
    const c = await toChooser('choice-slow');
    // The callback ran five minutes ago: without the open choice this attempt counts as interrupted.
    await server.app.deps.db.query(
      "UPDATE oauth_states SET used_at = now() - interval '5 minutes' WHERE attempt_id = $1",
      [c.attemptId],
    );
    await housekeeping(server.app.deps);
    expect((await attemptOf(c.attemptId)).status).toBe('pending');
    expect((await c.jar(choiceUrl(c.id))).status).toBe(200);
    await c.jar(choiceUrl(c.id), jsonPost({ cancel: true }));
    await housekeeping(server.app.deps);
    const left = await server.app.deps.db.query('SELECT 1 FROM link_choices WHERE attempt_id = $1', [
      c.attemptId,
    ]);
    expect(left.rowCount).toBe(0);
  });
});

describe('account chooser in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('asks which organisation from the Auth Link, says when none is picked, and links the one chosen', {
    timeout: 90_000,
  }, async () => {
    const s = await createSession(server, { origin_owner_id: 'choice-browser' });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(s.auth_link_url);
    // Xero is the project's only integration: the Auth Link opens on it.
    await page.getByText('allow access to several, you are asked which one').waitFor();
    const opened = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    const popup = await opened;
    const popupErrors = watchErrors(popup);
    const heading = popup.getByRole('heading', { name: 'Which Xero account do you want to connect?' });
    await heading.waitFor({ timeout: 15_000 });
    const radios = popup.getByRole('radio');
    expect(await radios.count()).toBe(2);
    expect(await popup.locator('main').innerText()).not.toMatch(INTERNAL);
    expect(await axeFindings(popup, 'link-choice')).toEqual([]);
    await screenshot(popup, 'link-choice');
    // The same screen as a phone shows it, and in dark mode.
    await popup.setViewportSize({ width: 390, height: 760 });
    await popup.emulateMedia({ colorScheme: 'dark' });
    expect(await axeFindings(popup, 'link-choice-dark-390')).toEqual([]);
    await screenshot(popup, 'link-choice-dark-390');
    await popup.emulateMedia({ colorScheme: 'light' });

    await popup.getByRole('button', { name: 'Connect' }).click();
    const hint = popup.getByRole('alert');
    await hint.waitFor();
    expect(await hint.innerText()).toBe('Choose an account first.');
    await screenshot(popup, 'link-choice-none-picked');

    await popup.getByRole('radio', { name: KITCHENS.name }).check();
    await popup.getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('success').waitFor({ timeout: 15_000 });
    await screenshot(page, 'link-choice-linked');
    const [account] = await accountsOf('choice-browser');
    const row = (
      await server.app.deps.db.query('SELECT credentials FROM accounts WHERE id = $1', [account!.id])
    ).rows[0];
    expect(server.app.deps.vault.openJson<Record<string, unknown>>(row.credentials).tenant_id).toBe(
      KITCHENS.tenantId,
    );
    expect(errors).toEqual([]);
    expect(popupErrors).toEqual([]);
  });
});
