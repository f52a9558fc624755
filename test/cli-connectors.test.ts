import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS_DIR } from '../src/connectors/loader.js';
import { runSwitchboard } from './helpers/process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cli-connectors-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function validate(...args: string[]) {
  const run = runSwitchboard(['connectors', 'validate', ...args]);
  const code = await run.exited;
  return { code, out: run.output() };
}

describe('switchboard connectors validate', () => {
  it('checks the built-in connectors by default, and not their schema file', async () => {
    const { code, out } = await validate();
    expect(code).toBe(0);
    const shipped = (await readdir(BUILTIN_CONNECTORS_DIR))
      .filter((f) => f.endsWith('.json') && f !== 'schema.json')
      .sort();
    expect(shipped).toEqual(expect.arrayContaining(['kustomer.json', 'oneflow.json', 'salesforce.json']));
    expect(out.match(/^ok {6}\S+\.json/gm)).toEqual(shipped.map((f) => `ok      ${f}`));
    expect(out).not.toContain('schema.json');
  });

  it('lists every problem of a broken file with its path and exits 1', async () => {
    const good = JSON.parse(await readFile(path.join(BUILTIN_CONNECTORS_DIR, 'oneflow.json'), 'utf8'));
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ ...good, bse_url: 'x', hostz: [] }));
    const fine = path.join(dir, 'fine.json');
    await writeFile(fine, JSON.stringify(good));
    const { code, out } = await validate(broken, fine);
    expect(code).toBe(1);
    expect(out).toContain('  - bse_url: unknown key (did you mean "base_url"?)');
    expect(out).toContain('  - hostz: unknown key (did you mean "hosts"?)');
    expect(out).toContain('ok      fine.json (oneflow)');
    expect(out).toContain('1 of 2 files invalid');
  });
});

describe('switchboard connectors new', () => {
  it('writes a connector that loads, its logo and the schema, and never overwrites by accident', async () => {
    const out = path.join(dir, 'new');
    const made = runSwitchboard(['connectors', 'new', 'acmecrm', '--name', 'Acme CRM', '--dir', out]);
    expect(await made.exited).toBe(0);
    const file = JSON.parse(await readFile(path.join(out, 'acmecrm.json'), 'utf8'));
    expect(file).toMatchObject({
      $schema: './schema.json',
      key: 'acmecrm',
      name: 'Acme CRM',
      auth: { type: 'oauth2' },
    });
    expect(await readFile(path.join(out, 'logos', 'acmecrm.svg'), 'utf8')).toMatch(
      /<title>Acme CRM<\/title>.*>A<\/text>/,
    );
    expect(JSON.parse(await readFile(path.join(out, 'schema.json'), 'utf8')).title).toBe(
      'Switchboard connector',
    );
    expect((await validate(path.join(out, 'acmecrm.json'))).code).toBe(0);

    const again = runSwitchboard(['connectors', 'new', 'acmecrm', '--dir', out]);
    expect(await again.exited).toBe(2);
    expect(again.output()).toMatch(/exists \(--force overwrites it\)/);
    const underscore = runSwitchboard(['connectors', 'new', 'acme_crm', '--dir', out]);
    expect(await underscore.exited).toBe(2);
    expect(underscore.output()).toMatch(/lowercase letters and digits/);
  });
});
