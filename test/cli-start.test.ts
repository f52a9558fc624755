import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSwitchboard } from './helpers/process.js';

const dirs: string[] = [];
async function tempDir() {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-cli-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

const postgresRunning = async (dataDir: string) => {
  const pid = Number(
    (await fs.readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '0')).split('\n')[0],
  );
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('switchboard start on the embedded database', () => {
  it('starts on a fresh data dir, prints the API key once, locks the dir, stops PostgreSQL on SIGTERM', async () => {
    const dataDir = await tempDir();
    const first = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir]);
    const url = await first.ready;
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const key = first.output().match(/API key \(shown once, store it now\): (sbk_\S+)/)?.[1];
    expect(key).toBeDefined();
    const accounts = await fetch(`${url}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
    });
    expect(accounts.status).toBe(200);

    // Secrets of the embedded setup are files only the owner can read.
    expect((await fs.stat(path.join(dataDir, 'encryption-keys'))).mode & 0o077).toBe(0);
    expect((await fs.stat(path.join(dataDir, 'pg-password'))).mode & 0o077).toBe(0);

    // A second process on the same data dir is refused with exit code 3.
    const second = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir]);
    expect(await second.exited).toBe(3);
    expect(second.output()).toMatch(/in use by another Switchboard process/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await postgresRunning(dataDir)).toBe(false);

    // Restart on the existing dir: same key works, no new key printed.
    const again = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir]);
    const url2 = await again.ready;
    expect(again.output()).not.toMatch(/API key/);
    const res = await fetch(`${url2}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('recovers after SIGKILL: the orphaned PostgreSQL is stopped and the dir is taken over', async () => {
    const dataDir = await tempDir();
    const first = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir], {
      SWITCHBOARD_API_KEY: 'sbk_test_key_0123456789abcdef',
    });
    await first.ready;
    first.child.kill('SIGKILL');
    await first.exited;
    const second = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir], {
      SWITCHBOARD_API_KEY: 'sbk_test_key_0123456789abcdef',
    });
    const url = await second.ready;
    const res = await fetch(`${url}/accounts`, {
      headers: { authorization: `Basic ${Buffer.from('sbk_test_key_0123456789abcdef:').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await postgresRunning(dataDir)).toBe(false);
  });

  it('refuses bad configuration with exit code 2', async () => {
    const bad = runSwitchboard(['start', '--port', 'abc']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/port/);
    const noKeys = runSwitchboard(['start', '--port', '0', '--database-url', 'postgres://127.0.0.1:1/x']);
    expect(await noKeys.exited).toBe(1);
    expect(noKeys.output()).toMatch(/SWITCHBOARD_ENCRYPTION_KEYS is required/);
  });
});

describe('npm start (the compiled server) and npm run dev (the sources)', () => {
  it.each([
    ['dist/server/', false],
    ['src/ through tsx', true],
  ])('runs from %s with its migrations, the connectors and the web pages', async (_, sources) => {
    const dataDir = await tempDir();
    const server = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir], {}, { sources });
    try {
      const url = await server.ready;
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      // Read at run time from outside dist/server/: connectors/ and the Vite build in dist/web/.
      expect((await fetch(`${url}/connectors/logos/oneflow`)).status).toBe(200);
      const connect = await fetch(`${url}/web/connect.js`);
      expect(connect.status).toBe(200);
      expect(connect.headers.get('content-type')).toMatch(/javascript/);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(await postgresRunning(dataDir)).toBe(false);
  });
});
