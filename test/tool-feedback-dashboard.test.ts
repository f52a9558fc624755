import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api } from './helpers/server.js';
import { launchBrowser, watchErrors } from './helpers/browser.js';
import { expectAccessible, openDashboard, pageTitle, shot } from './helpers/dashboard.js';
import { link, useWorld } from './helpers/world.js';

const world = useWorld({ workers: false });
let browser: Browser;
let account = '';

beforeAll(async () => {
  browser = await launchBrowser();
  account = await link(world, 'oneflow');
  for (const [feedback, tools] of [
    ['oneflow_list_contracts found the signed contracts', ['oneflow_list_contracts']],
    [
      'Templates list was empty; expected the sales templates',
      ['oneflow_list_templates', 'oneflow_get_contract'],
    ],
  ] as const) {
    const res = await api(world.server)('POST', '/ai/tool-feedback', {
      feedback,
      account_id: account,
      tool_names: tools,
    });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => {
  await browser?.close();
});

describe('the dashboard’s Tool feedback page', () => {
  it('lists what agents said, newest first, with the tools and the account', async () => {
    const page = await openDashboard(browser, world.server, '/dashboard/feedback');
    const errors = watchErrors(page);
    await page.getByTestId('feedback-table').waitFor();
    expect(await pageTitle(page)).toBe('Tool feedback');
    const rows = page.getByTestId('feedback-table').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    await expect.poll(() => rows.nth(0).textContent()).toContain('Templates list was empty');
    expect(await rows.nth(0).textContent()).toContain('oneflow_get_contract');
    expect(await rows.nth(1).textContent()).toContain('oneflow_list_contracts found');
    expect(await rows.nth(0).locator(`a[href="/dashboard/accounts/${account}"]`).count()).toBe(1);
    expect(await page.getByTestId('nav-feedback').getAttribute('aria-current')).toBe('page');
    await expectAccessible(page, 'tool feedback');
    await shot(page, 'dashboard-tool-feedback');

    await page.getByTestId('feedback-account').fill('acc_nobody');
    await page.getByTestId('feedback-no-match').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
