import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/config.js';
import { generateKeySpec, type Vault } from '../core/vault.js';
import type { Db } from '../store/db.js';
import { DATABASE_FLAGS, withDatabase } from './database.js';

export const ENCRYPTION_USAGE = `Usage: switchboard encryption rotate [--generate] [flags]

Re-encrypts every stored secret under the active (first) key of the key ring. It works online
(small batches, each its own transaction, never overwriting a value that changed meanwhile) and
is resumable: run it again after an interruption and it continues where it stopped.

  1. Put the new key first: SWITCHBOARD_ENCRYPTION_KEYS="new:…,old:…" (keep the old ones),
     or, on the embedded database, pass --generate to add a new key to <data-dir>/encryption-keys.
  2. Restart the servers with the new ring, then run this command.
  3. When it reports 0 values left under old keys, the old keys may be removed from the ring.

${DATABASE_FLAGS}`;

/** Every column that holds sealed values, with the key that identifies a row. */
const SEALED: Array<{ table: string; key: string; column: string }> = [
  { table: 'connector_profiles', key: 'id', column: 'setup_secrets' },
  { table: 'accounts', key: 'id', column: 'secrets' },
  { table: 'accounts', key: 'id', column: 'credentials' },
  { table: 'oauth_states', key: 'state_hash', column: 'sealed' },
  { table: 'oauth_states', key: 'state_hash', column: 'return_to' },
  { table: 'connection_attempts', key: 'id', column: 'launch_sealed' },
  { table: 'link_choices', key: 'id', column: 'sealed' },
  { table: 'event_inbound', key: 'account_id', column: 'token' },
  { table: 'event_inbound', key: 'account_id', column: 'secret' },
  { table: 'webhook_endpoints', key: 'id', column: 'secret' },
  { table: 'webhook_endpoints', key: 'id', column: 'previous_secret' },
];

/** Re-seals values written under other keys; returns how many were re-encrypted per column. */
export async function rotateEncryption(db: Db, vault: Vault, batch = 200): Promise<Record<string, number>> {
  const done: Record<string, number> = {};
  const current = `v1.${vault.activeKid}.%`;
  for (const { table, key, column } of SEALED) {
    let count = 0;
    for (;;) {
      const { rows } = await db.query<{ k: unknown; v: string }>(
        `SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL AND ${column} NOT LIKE $1 LIMIT $2`,
        [current, batch],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const resealed = vault.seal(vault.open(row.v));
        // Only if nobody changed it meanwhile (a refresh writes new credentials): else next pass.
        const res = await db.query(
          `UPDATE ${table} SET ${column} = $1 WHERE ${key} = $2 AND ${column} = $3`,
          [resealed, row.k, row.v],
        );
        count += res.rowCount ?? 0;
      }
    }
    done[`${table}.${column}`] = count;
  }
  return done;
}

export async function encryptionCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'rotate') {
    if (sub && sub !== 'help' && sub !== '--help')
      throw new ConfigError(`unknown encryption command "${sub}"`);
    console.log(ENCRYPTION_USAGE);
    return;
  }
  const generate = rest.includes('--generate');
  const flags = rest.filter((a) => a !== '--generate');
  if (generate) {
    const config = loadConfig(
      flags.filter((a, i) => a.startsWith('--data-dir') || flags[i - 1] === '--data-dir'),
    );
    if (config.encryptionKeys || config.databaseUrl) {
      throw new ConfigError(
        '--generate only manages the embedded key file; with SWITCHBOARD_ENCRYPTION_KEYS put the new key first yourself',
      );
    }
    const file = path.join(config.dataDir, 'encryption-keys');
    const old = (await fs.readFile(file, 'utf8')).trim();
    const tmp = `${file}.tmp`;
    await fs.writeFile(tmp, `${generateKeySpec()},${old}\n`, { mode: 0o600 });
    await fs.rename(tmp, file);
    console.log(`Added a new active key to ${file}; older keys stay in the ring for reading.`);
  }
  await withDatabase(flags, {}, async ({ db, vault }) => {
    const result = await rotateEncryption(db, vault);
    for (const [column, n] of Object.entries(result)) console.log(`${column.padEnd(34)} ${n} re-encrypted`);
    const left = await Promise.all(
      SEALED.map(async ({ table, column }) =>
        Number(
          (
            await db.query(
              `SELECT count(*) AS n FROM ${table} WHERE ${column} IS NOT NULL AND ${column} NOT LIKE $1`,
              [`v1.${vault.activeKid}.%`],
            )
          ).rows[0].n,
        ),
      ),
    );
    console.log(
      `Active key ${vault.activeKid}; values left under old keys: ${left.reduce((a, b) => a + b, 0)}`,
    );
  });
}
