import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { createLogger, loadVault } from '../app.js';
import { createPool, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { type DirLock, LockedError, lockDataDir } from '../store/lock.js';
import { attachEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedDatabase } from '../store/embedded.js';
import type { Logger } from 'pino';
import type { Vault } from '../core/vault.js';

export const DATABASE_FLAGS = `  --data-dir <path>     SWITCHBOARD_DATA_DIR    embedded database (default ./.switchboard)
  --database-url <url>  DATABASE_URL            external PostgreSQL`;

/** Parses an admin command's flags (the database flags plus its own); bad usage is a ConfigError. */
export function parseCommandFlags(
  argv: string[],
  extra: NonNullable<ParseArgsConfig['options']>,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' }, ...extra },
      strict: true,
      allowPositionals: true,
    });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

export interface DatabaseAccess {
  /**
   * The command may share the embedded database with a running server (key and project
   * management). Without it a running server is an error (exit code 3): re-encryption must not
   * seal under a key the running server lacks, a copy must not miss its writes.
   */
  whileServerRuns?: boolean;
}

/**
 * Runs an admin command against the database the server uses: `DATABASE_URL`, or the embedded
 * one in the data dir. When a server holds the data dir, commands that allow it connect to that
 * server's PostgreSQL (never a second one on the same files); otherwise the command starts the
 * embedded PostgreSQL itself, holding the lock so that no server starts meanwhile.
 */
export async function withDatabase<T>(
  argv: string[],
  extra: NonNullable<ParseArgsConfig['options']>,
  fn: (ctx: {
    db: Db;
    vault: Vault;
    config: Config;
    values: Record<string, unknown>;
    positionals: string[];
  }) => Promise<T>,
  access: DatabaseAccess = {},
): Promise<T> {
  const { values, positionals } = parseCommandFlags(argv, extra);
  const flags = [
    ...(values['data-dir'] ? ['--data-dir', String(values['data-dir'])] : []),
    ...(values['database-url'] ? ['--database-url', String(values['database-url'])] : []),
  ];
  const config = loadConfig(flags);
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const cleanups: Array<() => Promise<void>> = [];
  try {
    let url = config.databaseUrl;
    if (!url) {
      const pg = await embeddedDatabase(config.dataDir, access, log, cleanups);
      url = pg.url();
    }
    const db = createPool(url, 4);
    cleanups.push(() => db.end());
    await migrate(db);
    const vault = await loadVault(config, log);
    return await fn({ db, vault, config, values, positionals });
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

async function embeddedDatabase(
  dataDir: string,
  access: DatabaseAccess,
  log: Logger,
  cleanups: Array<() => Promise<void>>,
): Promise<EmbeddedDatabase> {
  let lock: DirLock;
  try {
    lock = await lockDataDir(dataDir);
  } catch (err) {
    if (!(err instanceof LockedError) || err.ownerPid === undefined) throw err;
    if (!access.whileServerRuns)
      throw new LockedError(`${err.message}: stop it before running this command`, err.ownerPid);
    return attachEmbeddedPostgres(dataDir, err.ownerPid);
  }
  cleanups.push(() => lock.release());
  const pg = await startEmbeddedPostgres(dataDir, log);
  cleanups.push(() => pg.stop());
  return pg;
}
