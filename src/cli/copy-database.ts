import pg from 'pg';
import { ConfigError } from '../config/config.js';
import { createPool, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { DATABASE_FLAGS, withDatabase } from './database.js';

export const COPY_USAGE = `Usage: switchboard copy-database --to <postgres://…> [flags]

Copies everything from this Switchboard's database (the embedded one, or DATABASE_URL) into
an empty PostgreSQL >= 15: the way from the embedded database to an external one. The target
is migrated first and must hold no Switchboard data. Stop the servers while it runs. Secrets
stay encrypted: start the new servers with the same key ring (the embedded key file's contents
as SWITCHBOARD_ENCRYPTION_KEYS).

  --to <url>            the target database
${DATABASE_FLAGS}`;

const BATCH = 1000;

/** Tables in an order that satisfies their foreign keys (parents first). */
async function tablesInOrder(db: Db): Promise<string[]> {
  const { rows: tables } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'",
  );
  const { rows: deps } = await db.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'f' AND n.nspname = 'public' AND c.relname <> p.relname`,
  );
  const remaining = new Set(tables.map((t) => t.name));
  const ordered: string[] = [];
  while (remaining.size) {
    const ready = [...remaining]
      .filter((t) => !deps.some((d) => d.child === t && remaining.has(d.parent)))
      .sort();
    if (ready.length === 0) throw new Error('circular foreign keys between tables');
    for (const t of ready) {
      ordered.push(t);
      remaining.delete(t);
    }
  }
  return ordered;
}

/** Copies every row; PostgreSQL itself converts types both ways (json_agg → json_populate_recordset). */
export async function copyDatabase(
  source: Db,
  target: Db,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  await migrate(target);
  const busy = await target.query<{ n: number }>('SELECT count(*)::int AS n FROM projects');
  if (busy.rows[0]!.n > 0) throw new ConfigError('the target database already holds Switchboard data');
  const counts: Record<string, number> = {};
  const client = await target.connect();
  try {
    await client.query('BEGIN');
    for (const table of await tablesInOrder(source)) {
      let copied = 0;
      for (let offset = 0; ; offset += BATCH) {
        const { rows } = await source.query<{ batch: unknown[] | null }>(
          `SELECT json_agg(t) AS batch FROM (SELECT * FROM ${pg.escapeIdentifier(table)} ORDER BY ctid LIMIT $1 OFFSET $2) t`,
          [BATCH, offset],
        );
        const batch = rows[0]!.batch;
        if (!batch || batch.length === 0) break;
        await client.query(
          `INSERT INTO ${pg.escapeIdentifier(table)} SELECT * FROM json_populate_recordset(NULL::${pg.escapeIdentifier(table)}, $1::json)`,
          [JSON.stringify(batch)],
        );
        copied += batch.length;
      }
      counts[table] = copied;
      log(`${table.padEnd(24)} ${copied} rows`);
    }
    // Serial columns continue after the copied ids.
    const { rows: serials } = await client.query<{ tbl: string; col: string; seq: string }>(
      `SELECT c.table_name AS tbl, c.column_name AS col, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) AS seq
       FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.column_default LIKE 'nextval(%'`,
    );
    for (const s of serials) {
      if (!s.seq) continue;
      await client.query(
        `SELECT setval($1, GREATEST((SELECT max(${pg.escapeIdentifier(s.col)}) FROM ${pg.escapeIdentifier(s.tbl)}), 1))`,
        [s.seq],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return counts;
}

export async function copyDatabaseCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(COPY_USAGE);
    return;
  }
  await withDatabase(argv, { to: { type: 'string' } }, async ({ db, values }) => {
    const to = values.to;
    if (typeof to !== 'string' || !/^postgres(ql)?:\/\//.test(to))
      throw new ConfigError(`--to must be a postgres:// URL\n\n${COPY_USAGE}`);
    const target = createPool(to, 2);
    try {
      const counts = await copyDatabase(db, target, (line) => console.log(line));
      console.log(
        `Copied ${Object.values(counts).reduce((a, b) => a + b, 0)} rows. Start the servers with DATABASE_URL and the same SWITCHBOARD_ENCRYPTION_KEYS.`,
      );
    } finally {
      await target.end();
    }
  });
}
