import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { createLogger, loadVault } from '../app.js';
import { createPool, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { lockDataDir } from '../store/lock.js';
import { startEmbeddedPostgres } from '../store/embedded.js';
import type { Vault } from '../core/vault.js';

export const DATABASE_FLAGS = `  --data-dir <path>     SWITCHBOARD_DATA_DIR    embedded database (default ./.switchboard)
  --database-url <url>  DATABASE_URL            external PostgreSQL`;

/**
 * Runs an admin command against the database the server uses: `DATABASE_URL`, or the embedded
 * one in the data dir (only while no server holds it — the lock says so with exit code 3).
 */
export async function withDatabase<T>(
  argv: string[],
  extra: NonNullable<ParseArgsConfig['options']>,
  fn: (ctx: { db: Db; vault: Vault; config: Config; values: Record<string, unknown>; positionals: string[] }) => Promise<T>,
): Promise<T> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' }, ...extra },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const { positionals } = parsed;
  const values = parsed.values as Record<string, unknown>;
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
      const lock = await lockDataDir(config.dataDir);
      cleanups.push(() => lock.release());
      const pg = await startEmbeddedPostgres(config.dataDir, log);
      cleanups.push(() => pg.stop());
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
