import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WEB_DIST } from '../src/http/routes/web.js';
import { HUB_LOCALES } from '../src/contract/locales.js';

/**
 * The Hub page must stay small: at most 20 KB of gzipped JS+CSS in its default language, English
 * (the official component is 591 KB). Every other language is its own file, fetched on demand.
 */
const BUDGET = 20 * 1024;

const gz = async (file: string) =>
  gzipSync(await fs.readFile(path.join(WEB_DIST, file)), { level: 9 }).length;

async function pageAssets(page: string): Promise<string[]> {
  const html = await fs.readFile(path.join(WEB_DIST, page), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/web\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
}

/** The modules a script imports statically (`import … from "./x.js"`), not `import("./x.js")`. */
const staticImports = (js: string) =>
  [...js.matchAll(/(?:^|[;}\s])import\s*(?:[\w${},\s*]+from\s*)?["']\.\/([^"']+)["']/g)].map((m) => m[1]!);

describe('Hub page size budget', () => {
  it('ships at most 20 KB gzipped JS+CSS in the default language', async () => {
    const assets = await pageAssets('hub/index.html');
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    let total = 0;
    for (const a of assets) total += await gz(a);
    console.log(`hub page: ${assets.length} assets, ${total} bytes gzipped JS+CSS (budget ${BUDGET})`);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });

  it('keeps each other language in its own file, which neither page loads up front', async () => {
    const files = await fs.readdir(path.join(WEB_DIST, 'assets'));
    const up = [...(await pageAssets('hub/index.html')), ...(await pageAssets('callback/index.html'))];
    const scripts = up.filter((a) => a.endsWith('.js'));
    // The check below reads static imports: it sees the Hub's import of its shared chunk.
    const hubJs = await fs.readFile(path.join(WEB_DIST, scripts[0]!), 'utf8');
    expect(staticImports(hubJs).length).toBeGreaterThan(0);
    for (const locale of HUB_LOCALES.filter((l) => l !== 'en')) {
      const chunk = files.filter((f) => f.startsWith(`locale-${locale}-`) && f.endsWith('.js'));
      expect(chunk, locale).toHaveLength(1);
      expect(
        up.some((a) => a.endsWith(chunk[0]!)),
        `${locale} is not on a page`,
      ).toBe(false);
      for (const s of scripts) {
        const js = await fs.readFile(path.join(WEB_DIST, s), 'utf8');
        expect(staticImports(js), `${s} does not import ${locale} statically`).not.toContain(chunk[0]);
      }
      console.log(`catalogue ${locale}: ${await gz(`assets/${chunk[0]}`)} bytes gzipped`);
    }
    // A French catalogue word is nowhere in what the pages load up front.
    for (const s of up)
      expect(await fs.readFile(path.join(WEB_DIST, s), 'utf8')).not.toContain('Connecter un compte');
  });
});
