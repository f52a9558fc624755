import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api } from './helpers/server.js';
import { launchBrowser, watchErrors } from './helpers/browser.js';
import { expectAccessible, openDashboard, pageTitle, shot } from './helpers/dashboard.js';
import { portOf, startMadeUpWorld, type MadeUpWorld } from './helpers/made-up.js';
import { startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { solidPng } from './helpers/png.js';

let world: MadeUpWorld;
let up: ScriptedUpstream;
let browser: Browser;

beforeAll(async () => {
  const logo = solidPng(96, 48, [225, 29, 72]);
  up = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(logo);
  });
  world = await startMadeUpWorld({
    connectors: {},
    routes: [{ hosts: ['cdn.example-brand.test'], port: portOf(up), paths: ['/acme.png'] }],
    workers: false,
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await world?.close();
  await up?.close();
});

describe('the dashboard’s Branding page', () => {
  it('saves the branding, shows the stored logo, and puts a refused colour on its field', async () => {
    const page = await openDashboard(browser, world.server, '/dashboard/branding');
    const errors = watchErrors(page);
    await page.getByTestId('branding-form').waitFor();
    expect(await pageTitle(page)).toBe('Branding');
    expect(await page.getByTestId('nav-branding').getAttribute('aria-current')).toBe('page');

    await page.getByTestId('branding-display_name').fill('Acme Payroll');
    await page.getByTestId('branding-logo_url').fill('https://cdn.example-brand.test/acme.png');
    await page.getByTestId('branding-accent_color').fill('#e11d48');
    await page.getByTestId('branding-support_email').fill('help@acme.example');
    await page.getByTestId('branding-privacy_url').fill('https://acme.example/privacy');
    await page.getByTestId('branding-consent_text').fill('Acme reads your employee list to run payroll.');
    await page.getByTestId('branding-powered-by').uncheck();
    await page.getByTestId('branding-save').click();
    await page.getByTestId('branding-logo').waitFor();
    await expect
      .poll(() => page.getByTestId('branding-logo').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(96);

    const saved = await api(world.server)('GET', '/project');
    expect(saved.json.branding).toMatchObject({
      display_name: 'Acme Payroll',
      accent_color: '#e11d48',
      support_email: 'help@acme.example',
      privacy_url: 'https://acme.example/privacy',
      terms_url: null,
      consent_text: 'Acme reads your employee list to run payroll.',
      show_powered_by: false,
    });
    expect(up.requests).toHaveLength(1);
    await shot(page, 'dashboard-branding');
    await expectAccessible(page, 'dashboard branding');

    await page.getByTestId('branding-accent_color').fill('#fef08a');
    await page.getByTestId('branding-save').click();
    const fieldError = page.locator('.field.invalid .field-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/too light for the light theme.*Pick a darker shade/);
    expect(await page.getByTestId('branding-accent_color').getAttribute('aria-invalid')).toBe('true');
    expect((await api(world.server)('GET', '/project')).json.branding.accent_color).toBe('#e11d48');
    await shot(page, 'dashboard-branding-refused-colour');
    await expectAccessible(page, 'dashboard branding, refused colour');
    // The refused save is reported on the page; nothing else went wrong.
    expect(errors.filter((e) => !/400/.test(e))).toEqual([]);
  });
});
