import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { useWorld } from './helpers/world.js';
import { api } from './helpers/server.js';
import { createSession } from './helpers/linking.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import { axeFindings, visibleText } from './helpers/hub-page.js';
import { solidPng } from './helpers/png.js';

const world = useWorld({ workers: false });
let browser: Browser;
const ACCENT = '#e11d48';

beforeAll(async () => {
  browser = await launchBrowser();
  const res = await api(world.server)('PATCH', '/project', {
    branding: {
      display_name: 'Acme Payroll',
      accent_color: ACCENT,
      support_email: 'help@acme.example',
      privacy_url: 'https://acme.example/privacy',
      terms_url: 'https://acme.example/terms',
      consent_text: 'Acme Payroll reads your employee list to run payroll.',
      show_powered_by: false,
    },
  });
  expect(res.status).toBe(200);
  // The logo as PATCH /project stores it (fetching it is covered by project-branding.test.ts,
  // whose logo host answers behind the internet stand-in; this world's fakes are on loopback).
  const logo = solidPng(64, 32, [225, 29, 72]);
  await world.server.app.deps.db.query(
    `UPDATE projects SET logo_body = $2, logo_type = 'image/png', logo_sha256 = $3 WHERE id = $1`,
    [res.json.id, logo, createHash('sha256').update(logo).digest('hex')],
  );
});
afterAll(async () => {
  await browser?.close();
});

describe('the Hub in the project’s branding', () => {
  it('says who asks, for whom, in the accent colour, with the logo, consent line and links', async () => {
    const s = await createSession(world.server, { origin_owner_name: 'Globex', provider: 'oneflow' });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(s.auth_link_url);
    await page.getByTestId('connect').waitFor();
    expect(await page.getByTestId('brand-line').textContent()).toBe(
      'Acme Payroll asks to connect your Oneflow account for Globex.',
    );
    expect(await page.getByTestId('consent').textContent()).toBe(
      'Acme Payroll reads your employee list to run payroll.',
    );
    expect(await page.getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe(
      'https://acme.example/privacy',
    );
    expect(await page.getByTestId('powered-by').count()).toBe(0);
    expect(await page.title()).toMatch(/ · Acme Payroll$/);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/\/project_logos\/proj_[\w-]+\/[0-9a-f]{64}$/);
    await expect
      .poll(() => page.locator('.brand-logo').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(64);
    const button = await page
      .getByTestId('connect')
      .evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
    expect(button).toEqual(['rgb(225, 29, 72)', 'rgb(255, 255, 255)']);
    await screenshot(page, 'hub-branded-form');
    expect(await axeFindings(page, 'hub-branded-form')).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names the company and its support address when the link has expired', async () => {
    const s = await createSession(world.server, { origin_owner_name: 'Globex' });
    expect((await api(world.server)('DELETE', `/connect_sessions/${s.id}`)).status).toBe(200);
    const page = await browser.newPage({ colorScheme: 'dark' });
    await page.goto(s.auth_link_url);
    await page.getByTestId('expired').waitFor();
    expect(await visibleText(page)).toContain('This link for Globex has expired.');
    expect(await visibleText(page)).toContain('Ask Acme Payroll at help@acme.example for a new one.');
    await screenshot(page, 'hub-branded-expired-dark');
    expect(await axeFindings(page, 'hub-branded-expired-dark')).toEqual([]);
    await page.close();
  });

  it('keeps the unbranded page for a project without branding', async () => {
    const res = await api(world.server)('PATCH', '/project', {
      branding: { display_name: null, accent_color: null, consent_text: null, show_powered_by: true },
    });
    expect(res.status).toBe(200);
    const s = await createSession(world.server, { provider: 'oneflow' });
    const page = await browser.newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('connect').waitFor();
    expect(await page.getByTestId('brand-line').count()).toBe(0);
    expect(await page.getByTestId('powered-by').textContent()).toBe('Powered by Switchboard');
    expect(await page.title()).toMatch(/ · Switchboard$/);
    await page.close();
  });
});
