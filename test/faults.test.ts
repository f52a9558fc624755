import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from './helpers/server.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { insertAccount } from '../src/core/accounts/accounts.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('faults', () => {
  it('PostgreSQL restarted under load: requests fail cleanly, then the server recovers without a restart', async () => {
    // A PostgreSQL of this test's own, so restarting it touches nobody else.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-fault-pg-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    let pg = await startEmbeddedPostgres(dir, pino({ level: 'silent' }));
    cleanups.push(() => pg.stop());
    const server = await startTestServer({}, { databaseUrl: pg.url() });
    cleanups.push(server.close);
    const call = api(server);
    expect((await call('GET', '/accounts')).status).toBe(200);

    let stop = false;
    const seen: number[] = [];
    const bodiesOk: boolean[] = [];
    const loader = (async () => {
      while (!stop) {
        const res = await call('POST', '/connect_sessions', {
          origin_owner_id: 'o',
          origin_owner_name: 'O',
        }).catch(() => null);
        if (!res) continue;
        seen.push(res.status);
        bodiesOk.push(typeof res.json?.statusCode === 'number' || res.status === 201);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await pg.stop();
    await new Promise((r) => setTimeout(r, 500));
    const down = await call('GET', '/health');
    expect(down.status).toBe(503);
    pg = await startEmbeddedPostgres(dir, pino({ level: 'silent' })); // same data dir, same port
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = (await call('GET', '/accounts')).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    stop = true;
    await loader;
    expect(recovered).toBe(true);
    expect((await call('GET', '/health')).status).toBe(200);
    // While the database was down the API answered with errors in the contract's shape, never hung.
    expect(seen.some((s) => s >= 500)).toBe(true);
    expect(bodiesOk.every(Boolean)).toBe(true);
    expect(
      (await call('POST', '/connect_sessions', { origin_owner_id: 'after', origin_owner_name: 'A' })).status,
    ).toBe(201);
  }, 60_000);

  it('a webhook receiver that hangs is given up on after 10 s and retried later', async () => {
    const server = await startTestServer({}, { workers: false });
    cleanups.push(server.close);
    // Accept the request, never answer.
    const http = await import('node:http');
    const sink = http.createServer(() => undefined);
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          sink.closeAllConnections();
          sink.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(sink.address() as import('node:net').AddressInfo).port}/hooks`;
    await api(server)('POST', '/webhooks', { url, events: ['*'] });
    const account = await insertAccount(server.app.deps, server.app.deps.db, {
      projectId: server.app.boot.project.projectId,
      connectorProfileId: null,
      provider: 'oneflow',
      originOwnerId: 'h',
      originOwnerName: 'H',
    });
    await api(server)('PATCH', `/accounts/${account.id}`, { origin_owner_name: 'x' });
    const { claimDue, attemptDelivery } = await import('../src/core/webhooks/delivery.js');
    const [d] = await claimDue(server.app.deps, 10);
    expect(await attemptDelivery(server.app.deps, d!)).toBe('retry');
    const row = (
      await server.app.deps.db.query('SELECT status, last_error FROM webhook_deliveries WHERE id = $1', [
        d!.id,
      ])
    ).rows[0];
    expect(row).toEqual({ status: 'pending', last_error: 'no answer within 10 s' });
  }, 30_000);
});

describe('a full disk', () => {
  it('is reported clearly at start (exit code 4), not as a PostgreSQL stack trace', async () => {
    const { execFileSync } = await import('node:child_process');
    const { runSwitchboard } = await import('./helpers/process.js');
    const mnt = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-full-'));
    // A real, tiny filesystem (root is needed to mount it; CI runs as root).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
    cleanups.push(async () => {
      execFileSync('umount', [mnt]);
      await fs.rm(mnt, { recursive: true, force: true });
    });
    const run = runSwitchboard(['start', '--port', '0', '--data-dir', path.join(mnt, 'data')]);
    expect(await run.exited).toBe(4);
    expect(run.output()).toMatch(/switchboard: the disk holding .*data is full: \d+ MB free, 64 MB needed/);
  });

  it('a database out of space answers 503 with a clear message', async () => {
    const { toAppError } = await import('../src/http/errors.js');
    const err = toAppError(
      Object.assign(new Error('could not extend file "base/16384/16385": No space left on device'), {
        code: '53100',
      }),
    );
    expect(err.status).toBe(503);
    expect(err.message).toBe('The database is out of disk space');
  });
});
