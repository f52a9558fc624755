// `switchboard connectors test <key>` as a user runs it: a child process, its own server on its
// own database, the generic fake provider played from the connector's fixture.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS_DIR } from '../src/connectors/loader.js';
import { freshDatabase } from './helpers/database.js';
import { runSwitchboard } from './helpers/process.js';

let dir: string;
const databases: Array<{ drop(): Promise<void> }> = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cli-connectors-test-'));
});
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const db = await freshDatabase();
  databases.push(db);
  const p = runSwitchboard(['connectors', 'test', ...args], { DATABASE_URL: db.url });
  const code = await p.exited;
  return { code, out: p.output() };
}

const builtIn = async (file: string) =>
  JSON.parse(await readFile(path.join(BUILTIN_CONNECTORS_DIR, file), 'utf8'));

describe('switchboard connectors test', () => {
  it('runs every contract check of a seed connector, one ✓ line each with its time, and exits 0', async () => {
    const { code, out } = await run('oneflow');
    expect(code, out).toBe(0);
    const lines = out.split('\n').filter((l) => /^[✓✗] /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.every((l) => /^✓ .+ \(\d+ ms\)$/.test(l))).toBe(true);
    expect(out).toContain('✓ action oneflow_list_contracts:');
    expect(out).toMatch(
      new RegExp(`^${lines.length} of ${lines.length} checks passed for oneflow in \\d+\\.\\d s$`, 'm'),
    );
  });

  it('prints ✗ with the reason and exits 1 when the connector file disagrees with the fixture', async () => {
    // The connector reads provider errors at a path the documented error body does not have.
    const oneflow = { ...(await builtIn('oneflow.json')), error_message_paths: ['$.no_such_field'] };
    const broken = path.join(dir, 'broken');
    await mkdir(path.join(broken, 'fixtures'), { recursive: true });
    await writeFile(path.join(broken, 'oneflow.json'), JSON.stringify(oneflow));
    await writeFile(
      path.join(broken, 'fixtures', 'oneflow.json'),
      await readFile(path.join(BUILTIN_CONNECTORS_DIR, 'fixtures', 'oneflow.json')),
    );
    const { code, out } = await run('oneflow', '--dir', broken);
    expect(code, out).toBe(1);
    expect(out).toMatch(/^✗ test action: bad credentials are refused .+ \(\d+ ms\)$/m);
    expect(out).toContain("error_message_paths find no message in the provider's documented error body");
    expect(out).toMatch(/^✓ link: /m);
    expect(out).toMatch(/^\d+ of \d+ checks passed for oneflow in/m);
    expect(out).not.toMatch(/^(\d+) of \1 checks passed/m);
  });

  it('refuses a connector without a fixture, naming the file to write', async () => {
    // Oneflow's file under another key, without its events (their names carry Oneflow's key).
    const { events: _events, ...oneflow } = await builtIn('oneflow.json');
    const mine = {
      ...oneflow,
      key: 'mycrm',
      name: 'My CRM',
      actions: oneflow.actions.map((a: { id: string }) => ({ ...a, id: a.id.replace('oneflow_', 'mycrm_') })),
    };
    const fresh = path.join(dir, 'fresh');
    await mkdir(fresh, { recursive: true });
    await writeFile(path.join(fresh, 'mycrm.json'), JSON.stringify(mine));
    const { code, out } = await run('mycrm', '--dir', fresh);
    expect(code).not.toBe(0);
    expect(out).toContain(`no fixture for mycrm: write ${path.join(fresh, 'fixtures', 'mycrm.json')}`);
  });
});
