import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from './helpers/server.js';
import { runSwitchboard } from './helpers/process.js';
import { generateKeySpec } from '../src/core/vault.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { inboundAddress } from '../src/core/events/inbound.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function run(args: string[], env: Record<string, string>) {
  const p = runSwitchboard(args, env);
  const code = await p.exited;
  return { code, out: p.output() };
}

// Each test starts PostgreSQL and server processes: about 10 s alone, more on a busy machine.
describe('switchboard keys', { timeout: 90_000 }, () => {
  it('creates a working key, lists it, revokes it', async () => {
    const keys = generateKeySpec('cli');
    const server = await startTestServer({ SWITCHBOARD_ENCRYPTION_KEYS: keys }, { workers: false });
    cleanups.push(server.close);
    const env = { DATABASE_URL: server.databaseUrl, SWITCHBOARD_ENCRYPTION_KEYS: keys };
    const created = await run(['keys', 'create', '--label', 'ci key'], env);
    expect(created.code).toBe(0);
    const key = created.out.match(/(sbk_[A-Za-z0-9_-]{43})/)![1]!;
    const id = created.out.match(/Created API key (key_\S+) for project proj_\S+\./)![1]!;
    expect((await api(server, key)('GET', '/accounts')).status).toBe(200);
    const list = await run(['keys', 'list'], env);
    expect(list.out).toContain(`${id}\t…${key.slice(-4)}\tactive`);
    expect(list.out).not.toContain(key);
    expect((await run(['keys', 'revoke', id], env)).code).toBe(0);
    expect((await api(server, key)('GET', '/accounts')).status).toBe(401);
    expect((await run(['keys', 'revoke', id], env)).code).toBe(2);
  });
});

// Each test starts PostgreSQL and server processes: about 10 s alone, more on a busy machine.
describe('switchboard encryption rotate', { timeout: 90_000 }, () => {
  it('re-encrypts every secret under the new key; the server reads them with the new ring', async () => {
    const oldKeys = generateKeySpec('old');
    const server = await startTestServer({ SWITCHBOARD_ENCRYPTION_KEYS: oldKeys }, { workers: false });
    cleanups.push(server.close);
    const profile = await api(server)('POST', '/connector_profiles', {
      provider: 'salesforce',
      setup: { client_id: 'id', client_secret: 'rotate-me-secret-4321' },
    });
    await api(server)('POST', '/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['*'] });
    for (let i = 0; i < 250; i++) {
      const account = await insertAccount(server.app.deps, server.app.deps.db, {
        projectId: server.app.boot.project.projectId,
        connectorProfileId: profile.json.id,
        provider: 'salesforce',
        originOwnerId: `o${i}`,
        originOwnerName: 'O',
        credentials: {
          access_token: `at-${i}`,
          refresh_token: `rt-${i}`,
          instance_url: 'https://x.my.salesforce.com',
        },
      });
      // An inbound events address: its token and secret are sealed too.
      if (i === 0)
        await inboundAddress(server.app.deps, account, server.app.deps.connectors.get('oneflow')!.events!);
    }
    const ring = `${generateKeySpec('new')},${oldKeys}`;
    const res = await run(['encryption', 'rotate'], {
      DATABASE_URL: server.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: ring,
    });
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/accounts\.credentials\s+250 re-encrypted/);
    expect(res.out).toMatch(/values left under old keys: 0/);
    const raw = await server.app.deps.db.query(
      "SELECT count(*)::int AS n FROM accounts WHERE credentials NOT LIKE 'v1.new.%'",
    );
    expect(raw.rows[0].n).toBe(0);
    // No sealed value of any table is left under the old key (a column the command forgot).
    const columns = await server.app.deps.db.query<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
       WHERE table_schema = current_schema() AND data_type = 'text'`,
    );
    const left: string[] = [];
    for (const { t, c } of columns.rows) {
      const n = await server.app.deps.db.query(`SELECT 1 FROM "${t}" WHERE "${c}" LIKE 'v1.old.%' LIMIT 1`);
      if (n.rowCount) left.push(`${t}.${c}`);
    }
    expect(left).toEqual([]);
    const again = await run(['encryption', 'rotate'], {
      DATABASE_URL: server.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: ring,
    });
    expect(again.out).toMatch(/accounts\.credentials\s+0 re-encrypted/);

    const reader = await startTestServer(
      { SWITCHBOARD_ENCRYPTION_KEYS: ring },
      { workers: false, databaseUrl: server.databaseUrl },
    );
    cleanups.push(reader.close);
    expect(
      (await api(reader)('GET', `/connector_profiles/${profile.json.id}`)).json.setup.client_secret,
    ).toBe('__secretvalue:**redacted**4321');
  });

  it('--generate adds a key to the embedded key file; the server starts with it', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-rotate-'));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const apiKey = 'sbk_rotate_test_key_0123456789';
    const first = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir], {
      SWITCHBOARD_API_KEY: apiKey,
    });
    await first.ready;
    first.child.kill('SIGTERM');
    await first.exited;
    const res = await run(['encryption', 'rotate', '--generate', '--data-dir', dataDir], {
      SWITCHBOARD_ENCRYPTION_KEYS: '',
    });
    expect(res.code).toBe(0);
    expect((await fs.readFile(path.join(dataDir, 'encryption-keys'), 'utf8')).trim().split(',')).toHaveLength(
      2,
    );
    const second = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir], {
      SWITCHBOARD_API_KEY: apiKey,
    });
    const url = await second.ready;
    const ok = await fetch(`${url}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
    });
    expect(ok.status).toBe(200);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});

describe('switchboard connectors', () => {
  it('lists the built-in connectors and validates a directory', async () => {
    const list = await run(['connectors', 'list'], {});
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/kustomer\s+oauth2/);
    expect(list.out).toMatch(/oneflow\s+api_key/);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-connectors-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    await fs.copyFile(path.resolve('connectors/oneflow.json'), path.join(dir, 'good.json'));
    await fs.writeFile(path.join(dir, 'bad.json'), JSON.stringify({ key: 'Bad Key', name: '' }));
    const res = await run(['connectors', 'validate', dir], {});
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/ok\s+good\.json \(oneflow\)/);
    expect(res.out).toMatch(/invalid .*bad\.json/);
    expect(res.out).toMatch(/1 of 2 files invalid/);
  });
});

// Each test starts PostgreSQL and server processes: about 10 s alone, more on a busy machine.
describe('switchboard copy-database', { timeout: 90_000 }, () => {
  it('copies everything into an empty database; a server on the copy reads accounts, secrets and sessions', async () => {
    const { freshDatabase } = await import('./helpers/database.js');
    const keys = generateKeySpec('copy');
    const source = await startTestServer({ SWITCHBOARD_ENCRYPTION_KEYS: keys }, { workers: false });
    cleanups.push(source.close);
    const target = await freshDatabase({ empty: true });
    cleanups.push(target.drop);
    const profile = await api(source)('POST', '/connector_profiles', {
      provider: 'salesforce',
      setup: { client_id: 'id', client_secret: 'copied-secret-7777' },
    });
    const session = await api(source)('POST', '/connect_sessions', {
      origin_owner_id: 'o',
      origin_owner_name: 'O',
    });
    const account = await insertAccount(source.app.deps, source.app.deps.db, {
      projectId: source.app.boot.project.projectId,
      connectorProfileId: profile.json.id,
      provider: 'salesforce',
      originOwnerId: 'copy-owner',
      originOwnerName: 'Copy',
      credentials: { access_token: 'at', refresh_token: 'rt', instance_url: 'https://x.my.salesforce.com' },
    });
    await api(source)('PATCH', `/accounts/${account.id}`, { origin_owner_name: 'Copied' });

    const res = await run(['copy-database', '--to', target.url], {
      DATABASE_URL: source.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: keys,
    });
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/accounts\s+1 rows/);
    expect(res.out).toMatch(/events\s+1 rows/);

    const copy = await startTestServer(
      { SWITCHBOARD_ENCRYPTION_KEYS: keys, SWITCHBOARD_API_KEY: source.apiKey },
      { workers: false, databaseUrl: target.url },
    );
    cleanups.push(copy.close);
    expect((await api(copy, source.apiKey)('GET', `/accounts/${account.id}`)).json).toMatchObject({
      origin_owner_name: 'Copied',
      provider: 'salesforce',
    });
    expect(
      (await api(copy, source.apiKey)('GET', `/connector_profiles/${profile.json.id}`)).json.setup
        .client_secret,
    ).toBe('__secretvalue:**redacted**7777');
    const auth = await api(copy, source.apiKey)('POST', '/connect_sessions/authenticate', {
      token: session.json.token,
    });
    expect(auth.status).toBe(201);
    // Serial ids continue after the copied ones.
    expect(
      (
        await api(copy, source.apiKey)('POST', '/connect_sessions', {
          origin_owner_id: 'n',
          origin_owner_name: 'N',
        })
      ).json.id,
    ).toBe(session.json.id + 1);
    // A second copy into a database that has data is refused.
    const again = await run(['copy-database', '--to', target.url], {
      DATABASE_URL: source.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: keys,
    });
    expect(again.code).toBe(2);
    expect(again.out).toMatch(/already holds Switchboard data/);
  });
});
