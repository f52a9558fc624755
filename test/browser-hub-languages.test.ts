import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useWorld } from './helpers/world.js';
import { api } from './helpers/server.js';
import { createSession, hub } from './helpers/linking.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import { axeFindings, visibleText } from './helpers/hub-page.js';
import { solidPng } from './helpers/png.js';
import { PSEUDO_RTL, PSEUDO_RTL_MODULE } from './helpers/pseudo-rtl.js';
import type { Catalogue } from '../src/web/shared/i18n/en.js';
import en from '../src/web/shared/i18n/en.js';
import fr from '../src/web/shared/i18n/fr.js';
import de from '../src/web/shared/i18n/de.js';
import es from '../src/web/shared/i18n/es.js';
import pt from '../src/web/shared/i18n/pt.js';
import nl from '../src/web/shared/i18n/nl.js';

const world = useWorld({ workers: false });
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  const res = await api(world.server)('PATCH', '/project', {
    branding: { display_name: 'Acme', accent_color: '#e11d48', support_email: 'help@acme.example' },
  });
  expect(res.status).toBe(200);
  const logo = solidPng(64, 32, [225, 29, 72]);
  await world.server.app.deps.db.query(
    `UPDATE projects SET logo_body = $2, logo_type = 'image/png', logo_sha256 = $3 WHERE id = $1`,
    [res.json.id, logo, createHash('sha256').update(logo).digest('hex')],
  );
});
afterAll(async () => {
  await browser?.close();
});

/** The catalogue files a page fetched (`locale-<lang>-<hash>.js`), by language. */
function catalogueRequests(target: Page | BrowserContext): string[] {
  const seen: string[] = [];
  target.on('request', (r) => {
    const m = /\/web\/assets\/locale-([a-z]+)-[\w-]+\.js$/.exec(new URL(r.url()).pathname);
    if (m) seen.push(m[1]!);
  });
  return seen;
}

const LANGUAGES: Array<[string, Catalogue]> = [
  ['en', en],
  ['fr', fr],
  ['de', de],
  ['es', es],
  ['pt-BR', pt],
  ['nl', nl],
];

describe('the Hub in the session’s language', () => {
  for (const [locale, c] of LANGUAGES) {
    it(`${locale}: the list and a form in ${c.lang}, fetching only that catalogue`, async () => {
      const s = await createSession(world.server, { locale, origin_owner_name: 'Globex' });
      const page = await browser.newPage();
      const errors = watchErrors(page);
      const fetched = catalogueRequests(page);
      await page.goto(s.auth_link_url);
      await page.getByTestId('integration-oneflow').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(c.lang);
      expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
      expect(await page.locator('h1').textContent()).toBe(c.messages['list.title']);
      expect(await page.getByTestId('brand-line').textContent()).toBe(
        c.messages['brand.asksAnyFor'].replace('{company}', 'Acme').replace('{owner}', 'Globex'),
      );
      expect(await page.getByTestId('category-crm').count()).toBe(1);
      expect(await page.getByTestId('category-all').textContent()).toBe(c.messages['list.all']);
      expect(await page.title()).toBe(`${c.messages['list.title']} · Acme`);
      await screenshot(page, `hub-lang-${locale}-list`);
      expect(await axeFindings(page, `hub-lang-${locale}-list`)).toEqual([]);

      await page.getByTestId('integration-oneflow').click();
      await page.getByTestId('connect').waitFor();
      expect(await page.getByTestId('connect').textContent()).toBe(c.messages['form.connect']);
      const label = await page.locator('label[for="field-api_token"]').textContent();
      // Field labels come from the connector file's translations (French and German), else English.
      expect(label).toBe(c.lang === 'fr' ? 'Jeton d’API' : c.lang === 'de' ? 'API-Token' : 'API Token');
      const steps = await page.getByTestId('setup-steps').locator('li').first().textContent();
      expect(steps).toMatch(
        c.lang === 'fr'
          ? /^Connectez-vous à Oneflow/
          : c.lang === 'de'
            ? /^Melden Sie sich/
            : /^Sign in to Oneflow/,
      );
      // Validation in the language: the required-field message.
      await page.locator('input[name="user_email"]').focus();
      await page.locator('input[name="user_email"]').blur();
      const fieldLabel =
        c.lang === 'fr' ? 'E-mail de l’utilisateur' : c.lang === 'de' ? 'E-Mail des Benutzers' : 'User Email';
      expect(await page.locator('[data-field="user_email"] .field-error').textContent()).toBe(
        c.messages['field.required'].replace('{label}', fieldLabel),
      );
      await screenshot(page, `hub-lang-${locale}-form`);
      expect(await axeFindings(page, `hub-lang-${locale}-form`)).toEqual([]);
      expect(fetched).toEqual(c.lang === 'en' ? [] : [c.lang]);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('follows the browser’s language when the session names none (Accept-Language, navigator.languages)', async () => {
    const s = await createSession(world.server, { provider: 'oneflow' });
    const context = await browser.newContext({ locale: 'de-AT' });
    const fetched = catalogueRequests(context);
    const page = await context.newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('connect').waitFor();
    expect(await page.evaluate(() => navigator.languages[0])).toBe('de-AT');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.getByTestId('connect').textContent()).toBe('Verbinden');
    expect(await page.locator('label[for="field-api_token"]').textContent()).toBe('API-Token');
    expect(fetched).toEqual(['de']);
    await screenshot(page, 'hub-lang-browser-de-AT');
    expect(await axeFindings(page, 'hub-lang-browser-de-AT')).toEqual([]);
    await context.close();
  });

  it('a language the Hub does not speak falls back to English; the session’s wins over the browser’s', async () => {
    const ja = await createSession(world.server, { provider: 'oneflow', locale: 'ja' });
    const context = await browser.newContext({ locale: 'ja-JP' });
    const fetched = catalogueRequests(context);
    const page = await context.newPage();
    await page.goto(ja.auth_link_url);
    await page.getByTestId('connect').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('connect').textContent()).toBe('Connect');
    const nlSession = await createSession(world.server, { provider: 'oneflow', locale: 'nl-BE' });
    await page.goto(nlSession.auth_link_url);
    await page.getByTestId('connect').waitFor();
    expect(await page.getByTestId('connect').textContent()).toBe('Koppelen');
    expect(fetched).toEqual(['nl']);
    await context.close();
  });

  it('without JavaScript the page says so in each of its languages, each marked with its lang', async () => {
    const s = await createSession(world.server, { provider: 'oneflow' });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(s.auth_link_url);
    const lines = await page
      .locator('noscript p')
      .evaluateAll((ps) => ps.map((p) => [p.getAttribute('lang'), p.textContent]));
    expect(lines.map(([lang]) => lang)).toEqual(['en', 'fr', 'de', 'es', 'pt', 'nl']);
    expect(new Set(lines.map(([, text]) => text)).size).toBe(6);
    expect(await page.locator('body').innerText()).toContain('Cette page a besoin de JavaScript');
    await context.close();
  });

  it('the expired-link page speaks the session’s language and writes the date in it', async () => {
    const s = await createSession(world.server, { locale: 'fr', origin_owner_name: 'Globex' });
    expect((await api(world.server)('DELETE', `/connect_sessions/${s.id}`)).status).toBe(200);
    const page = await browser.newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('expired').waitFor();
    const text = await visibleText(page);
    expect(text).toContain('Ce lien destiné à Globex a expiré.');
    expect(text).toContain('Demandez-en un nouveau à Acme (help@acme.example).');
    const month = new Intl.DateTimeFormat('fr', { month: 'long' }).format(new Date());
    expect(await page.getByTestId('expired-at').textContent()).toMatch(
      new RegExp(`^Il ne fonctionne plus depuis le \\d{1,2} ${month} \\d{4}`),
    );
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await screenshot(page, 'hub-lang-fr-expired');
    expect(await axeFindings(page, 'hub-lang-fr-expired')).toEqual([]);
    await page.close();
  });
});

describe('the OAuth callback page', () => {
  it('ends the sign-in window in the Hub’s language and the company’s look', async () => {
    const s = await createSession(world.server, { provider: 'salesforce', locale: 'de' });
    const page = await browser.newPage();
    await page.goto(s.auth_link_url);
    await page.getByTestId('connect').waitFor();
    const popup = page.waitForEvent('popup');
    await page.getByTestId('connect').click();
    const win = await popup;
    await win.waitForURL(/\/embedded\/accounts\/callback\?/, { timeout: 15_000 });
    const landed = new URL(win.url());
    expect(landed.searchParams.get('status')).toBe('success');
    expect(landed.searchParams.get('lang')).toBe('de');
    expect(landed.searchParams.get('company')).toBe('Acme');
    expect(landed.searchParams.get('accent')).toBe('#e11d48');
    await page.getByTestId('success').waitFor({ timeout: 15_000 });
    expect(await page.locator('h1').textContent()).toBe('Konto verbunden');

    // The same address on its own (a window the page did not open stays open to be looked at).
    const again = await browser.newPage();
    await again.goto(landed.href);
    await again.locator('[data-testid="callback-result"][data-status="success"]').waitFor();
    expect(await again.locator('html').getAttribute('lang')).toBe('de');
    expect(await again.locator('h1').textContent()).toBe('Konto verbunden');
    expect(await again.title()).toBe('Konto verbunden · Acme');
    await expect
      .poll(() => again.locator('.brand-logo').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(64);
    const border = await again.locator('main.card').evaluate((m) => getComputedStyle(m).borderTopColor);
    expect(border).toBe('rgb(225, 29, 72)');
    await screenshot(again, 'callback-lang-de-branded');
    expect(await axeFindings(again, 'callback-lang-de-branded')).toEqual([]);
    await again.close();
    await page.close();
  });

  it('an error in Spanish; a logo or colour that is not ours is ignored', async () => {
    const page = await browser.newPage();
    const q = new URLSearchParams({
      status: 'error',
      provider: 'kustomer',
      error: 'access_denied',
      lang: 'es',
      company: 'Acme',
      logo: 'https://evil.example/logo.png',
      accent: 'red;background:url(x)',
      on_accent: '#ffffff',
    });
    await page.goto(`${world.server.url}/embedded/accounts/callback?${q}`);
    await page.locator('[data-testid="callback-result"][data-status="error"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('No se pudo conectar tu cuenta');
    expect(await page.locator('#result p.muted').first().textContent()).toBe(
      'No permitiste el acceso a Kustomer. Vuelve a intentarlo cuando quieras.',
    );
    expect(await page.locator('.brand-logo').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.classList.contains('accented'))).toBe(false);
    await screenshot(page, 'callback-lang-es-error');
    expect(await axeFindings(page, 'callback-lang-es-error')).toEqual([]);
    await page.close();
  });
});

describe('right-to-left text (a pseudo-locale only the tests have)', () => {
  it('keeps the layout at 390 px: dir=rtl, nothing overflows, every button visible', async () => {
    const s = await createSession(world.server, { locale: 'nl', origin_owner_name: 'Globex' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    // The Dutch catalogue file is answered with the pseudo-locale: the page loads it as it would any language.
    await context.route(/\/web\/assets\/locale-nl-[\w-]+\.js$/, (r) =>
      r.fulfill({ contentType: 'text/javascript', body: PSEUDO_RTL_MODULE }),
    );
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(s.auth_link_url);
    await page.getByTestId('integration-kustomer').waitFor();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.locator('h1').textContent()).toBe(PSEUDO_RTL.messages['list.title']);

    const fits = async (name: string) => {
      const overflow = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll<HTMLElement>('body *')]
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && (r.left < -1 || r.right > w + 1) && !el.closest('.sr-only');
          })
          .map((el) => `${el.tagName}.${el.className}`);
        return { scroll: document.documentElement.scrollWidth, w, wide };
      });
      expect(overflow.wide, name).toEqual([]);
      expect(overflow.scroll, name).toBeLessThanOrEqual(390);
      for (const b of await page.locator('button:visible').all()) {
        const box = (await b.boundingBox())!;
        expect(box.x, name).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, name).toBeLessThanOrEqual(390);
        expect(box.height, name).toBeGreaterThanOrEqual(24);
      }
    };
    await fits('list');
    // The list's start is on the right: the search icon sits at the input's right edge.
    const [icon, input] = await Promise.all([
      page.locator('.search-icon').boundingBox(),
      page.getByTestId('search').boundingBox(),
    ]);
    expect(icon!.x + icon!.width).toBeGreaterThan(input!.x + input!.width - 40);
    await screenshot(page, 'hub-rtl-list-390');

    await page.getByTestId('integration-kustomer').click();
    await page.getByTestId('connect').waitFor();
    await page.getByTestId('connect').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('connect').isVisible()).toBe(true);
    await fits('form');
    await screenshot(page, 'hub-rtl-form-390');
    expect(await axeFindings(page, 'hub-rtl-form-390')).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('connector texts in the Hub API', () => {
  it('by the session’s locale, else Accept-Language, English for a language the file lacks', async () => {
    const id = world.profiles.oneflow;
    const labelOf = async (locale: string | null, acceptLanguage?: string) => {
      const s = await createSession(world.server, locale ? { locale } : {});
      const res = await fetch(`${world.server.url}/hub/connectors/${id}`, {
        headers: {
          'x-hub-session-token': s.token,
          ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
        },
      });
      expect(res.headers.get('vary')).toMatch(/accept-language/i);
      const body = (await res.json()) as {
        config: { configFields: Array<{ key: string; label: string }>; setupGuide: { steps: string[] } };
      };
      return body.config.configFields.find((f) => f.key === 'api_token')!.label;
    };
    expect(await labelOf('fr')).toBe('Jeton d’API');
    expect(await labelOf('fr-CA', 'de')).toBe('Jeton d’API');
    expect(await labelOf(null, 'ja, de-DE;q=0.8')).toBe('API-Token');
    expect(await labelOf('es')).toBe('API Token');
    expect(await labelOf(null)).toBe('API Token');
    const s = await createSession(world.server, { locale: 'pt-br' });
    expect((await hub(world.server, s.token)('GET', '/hub/branding')).json.locale).toBe('pt-BR');
  });
});
