import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    expect(out.match(/^ok {6}\S+\.json/gm)).toEqual([
      'ok      kustomer.json',
      'ok      oneflow.json',
      'ok      salesforce.json',
    ]);
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
