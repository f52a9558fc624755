import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { fetch as undiciFetch } from 'undici';
import { ARTIFACTS } from './browser.js';
import { currentInternet } from './internet.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Every axe-core finding (WCAG 2.x A/AA and best practices, any impact) on a Hub screen, top-level
 * or inside connect.js's iframe. The report is saved as test-results/axe-<name>.json.
 */
export async function axeFindings(
  target: Page | Frame,
  name: string,
): Promise<Array<{ id: string; impact: string | null; nodes: string[] }>> {
  await target.evaluate(`${AXE_SOURCE}\n;0`);
  const found = await target.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(
          ctx: Document,
          opts: unknown,
        ): Promise<{
          violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
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
      nodes: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(found, null, 2));
  return found;
}

/** What the end user reads: rendered text only, so a closed "Details" disclosure is left out. */
export const visibleText = (target: Page | Frame) => target.locator('#app').innerText();

/** Words that are for developers, not for the people who open a link. */
export const INTERNAL =
  /bad_request|token_error|provider_error|access_denied|invalid_client|Too big|expected string|statusCode|rejected the credentials|credentials\./;

export const focusedTestId = (target: Page | Frame) =>
  target.evaluate(
    () => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null,
  );

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Playwright does not see the requests a server redirect leads to, so the steps of the OAuth
 * dance are made client-side navigations here (same URLs, same order) for the test to step in.
 * Playwright fetches a step itself, outside Chromium's host mapping, so a step at a provider's
 * real host name goes through the shipped world's internet instead, with the browser's headers.
 */
export async function stepThrough(context: BrowserContext, match: (u: URL) => boolean) {
  await context.route(match, async (r) => {
    const internet = currentInternet();
    const url = new URL(r.request().url());
    if (internet && !LOOPBACK.has(url.hostname)) {
      const request = r.request();
      const answer = await undiciFetch(url, {
        method: request.method(),
        headers: await request.allHeaders(),
        redirect: 'manual',
        dispatcher: internet.http,
        ...(request.postDataBuffer() ? { body: request.postDataBuffer()! } : {}),
      });
      const to = answer.headers.get('location');
      if (answer.status >= 300 && answer.status < 400 && to)
        return r.fulfill({ contentType: 'text/html', body: clientRedirect(to), headers: setCookies(answer) });
      return r.fulfill({
        status: answer.status,
        headers: Object.fromEntries(answer.headers),
        body: Buffer.from(await answer.arrayBuffer()),
      });
    }
    const answer = await r.fetch({ maxRedirects: 0 });
    const to = answer.headers().location;
    if (answer.status() >= 300 && answer.status() < 400 && to) {
      await r.fulfill({ contentType: 'text/html', body: clientRedirect(to) });
    } else await r.fulfill({ response: answer });
  });
}

const clientRedirect = (to: string) =>
  `<!doctype html><script>location.replace(${JSON.stringify(to)})</script>`;

const setCookies = (answer: { headers: Headers }): Record<string, string> => {
  const cookies = answer.headers.getSetCookie();
  return cookies.length ? { 'set-cookie': cookies.join('\n') } : {};
};

/** The popup's first step, `GET /connect/oauth2/{integration_id}` (not the provider's callback). */
export const popupStart = (u: URL) =>
  u.pathname.startsWith('/connect/oauth2/') && !u.pathname.endsWith('/callback');
