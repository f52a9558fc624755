import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { TestServer } from './server.js';
import { ARTIFACTS, screenshot } from './browser.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (WCAG 2.x A/AA rules plus best practices: labels, contrast, names,
 * landmarks…) and saves the report under test-results/. Injected through the DevTools protocol,
 * so the page's CSP (script-src 'self') stays as it is in production.
 */
export async function axe(page: Page, name: string): Promise<AxeViolation[]> {
  await page.evaluate(`${AXE_SOURCE}\n;0`);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(
          ctx: Document,
          opts: unknown,
        ): Promise<{
          violations: Array<{
            id: string;
            impact: string | null;
            help: string;
            nodes: Array<{ target: unknown[] }>;
          }>;
        }>;
      };
    };
    const r = await w.axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(violations, null, 2));
  return violations;
}

/** Asserts axe finds no serious or critical violation (the report names every finding). */
export async function expectAccessible(page: Page, name: string) {
  const violations = await axe(page, name);
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    `axe on ${name}`,
  ).toEqual([]);
  return violations;
}

/** A fresh browser context signed in through the dashboard's form; clipboard allowed for copy buttons. */
export async function openDashboard(
  browser: Browser,
  server: TestServer,
  p = '/dashboard',
  opts: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
    ...opts,
  });
  const page = await context.newPage();
  await page.goto(server.url + p);
  await page.getByTestId('api-key').fill(server.apiKey);
  await page.getByTestId('sign-in').click();
  // Attached, not visible: on a phone the navigation sits behind the menu button.
  await page.getByTestId('nav-accounts').waitFor({ state: 'attached' });
  return page;
}

export const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

export const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return (
      el?.getAttribute('data-testid') ??
      el?.getAttribute('name') ??
      el?.getAttribute('aria-label') ??
      (el?.textContent?.trim() || el?.tagName) ??
      null
    );
  });

/** The page does not scroll sideways (everything fits a phone-width screen). */
export const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

export async function pageTitle(page: Page) {
  return (await page.locator('#main h1').first().textContent())?.trim();
}

/**
 * A full-page screenshot from the top (sticky sidebar and guide where a reader expects them), or
 * of the viewport only (`viewport: true`) for a modal dialog, which covers the viewport alone.
 */
export async function shot(page: Page, name: string, o: { viewport?: boolean } = {}) {
  if (o.viewport) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    return;
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}
