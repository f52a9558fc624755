import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { attachEmbeddedPostgres } from './embedded.js';
import { LockedError } from './lock.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-attach-'));
  dirs.push(dataDir);
  await fs.mkdir(path.join(dataDir, 'pg'));
});

/** postmaster.pid as PostgreSQL writes it: pid, data dir, start time, port, socket dir, listen address, shmem key, status. */
const writePostmasterPid = (pid: number, port: number, status: string) =>
  fs.writeFile(
    path.join(dataDir, 'pg', 'postmaster.pid'),
    [
      pid,
      path.join(dataDir, 'pg'),
      1796161146,
      port,
      '',
      '127.0.0.1',
      '  2146497     65585',
      status.padEnd(8),
      '',
    ].join('\n'),
  );

describe('attaching to the embedded PostgreSQL of a running server', () => {
  it('connects to the port the ready postmaster announces, with the data dir password, and leaves stopping to its owner', async () => {
    await fs.writeFile(path.join(dataDir, 'pg-password'), 'pa/ss+word\n', { mode: 0o600 });
    await writePostmasterPid(process.pid, 34283, 'ready');
    const pg = await attachEmbeddedPostgres(dataDir, process.pid);
    expect(pg.url()).toBe('postgres://postgres:pa%2Fss%2Bword@127.0.0.1:34283/postgres');
    await pg.stop();
  });

  it('waits for a postmaster that is still starting', async () => {
    await fs.writeFile(path.join(dataDir, 'pg-password'), 'pw\n');
    await writePostmasterPid(process.pid, 40001, 'starting');
    setTimeout(() => void writePostmasterPid(process.pid, 40001, 'ready'), 150);
    expect((await attachEmbeddedPostgres(dataDir, process.pid, { waitMs: 5000 })).url('x')).toBe(
      'postgres://postgres:pw@127.0.0.1:40001/x',
    );
  });

  it('says why it cannot attach, as a data-dir-in-use error (exit code 3)', async () => {
    const attach = (owner = process.pid) => attachEmbeddedPostgres(dataDir, owner, { waitMs: 200 });
    await expect(attach()).rejects.toThrow(
      /held by Switchboard process \d+, but its database password file .* cannot be read/,
    );
    await fs.writeFile(path.join(dataDir, 'pg-password'), 'pw\n');
    await expect(attach()).rejects.toThrow(
      /its database did not become ready; try again when the server is up, or stop it/,
    );
    await writePostmasterPid(process.pid, 40001, 'stopping');
    await expect(attach()).rejects.toThrow(/its database is shutting down/);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await fs.rm(path.join(dataDir, 'pg', 'postmaster.pid'));
    await expect(attach(gone)).rejects.toThrow(/that process has exited/);
    await expect(attach()).rejects.toBeInstanceOf(LockedError);
  });
});
