import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WEB_DIST } from '../src/http/routes/web.js';

/** The Hub page must stay small: at most 60 KB of gzipped JS+CSS (the official component is 591 KB). */
const BUDGET = 60 * 1024;

describe('Hub page size budget', () => {
  it('ships at most 60 KB gzipped JS+CSS', async () => {
    const html = await fs.readFile(path.join(WEB_DIST, 'hub/index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/web\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    let total = 0;
    for (const a of assets) total += gzipSync(await fs.readFile(path.join(WEB_DIST, a)), { level: 9 }).length;
    console.log(`hub page: ${assets.length} assets, ${total} bytes gzipped JS+CSS (budget ${BUDGET})`);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });
});
