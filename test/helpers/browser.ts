import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { currentInternet } from './internet.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-results');

/**
 * Real Chromium from the Debian package. Missing Chromium is a failure, never a skip. In a
 * shipped world it maps the providers' host names to that world's fakes and trusts their
 * certificate, as the server under test does.
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const mapping = (currentInternet()?.chromiumArgs ?? []).filter((a) => !extraArgs.includes(a));
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install the Debian chromium package (apt-get install -y chromium)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...mapping,
      ...extraArgs,
    ],
  });
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Collects page errors so a test can assert the page never threw. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
