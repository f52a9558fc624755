import { ConfigError } from '../config/config.js';
import { addApiKey, generateApiKey } from '../core/api-keys.js';
import { DATABASE_FLAGS, withDatabase } from './database.js';

export const KEYS_USAGE = `Usage: switchboard keys <create|list|revoke> [flags]

  keys create [--label <text>] [--project <id>]   create an API key (printed once)
  keys list [--project <id>]                       list keys: id, hint, label, created, last state
  keys revoke <key id>                             revoke a key at once

The default project is used unless --project is given.
${DATABASE_FLAGS}`;

async function projectId(db: import('../store/db.js').Db, given: unknown): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    typeof given === 'string' ? 'SELECT id FROM projects WHERE id = $1' : 'SELECT id FROM projects WHERE is_default',
    typeof given === 'string' ? [given] : [],
  );
  if (!rows[0]) throw new ConfigError(typeof given === 'string' ? `no project ${given}` : 'no default project: start the server once first');
  return rows[0].id;
}

export async function keysCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(KEYS_USAGE);
    return;
  }
  if (!['create', 'list', 'revoke'].includes(sub)) throw new ConfigError(`unknown keys command "${sub}"\n\n${KEYS_USAGE}`);
  await withDatabase(rest, { label: { type: 'string' }, project: { type: 'string' } }, async ({ db, values, positionals }) => {
    if (sub === 'create') {
      const key = generateApiKey();
      const id = await addApiKey(db, await projectId(db, values.project), key, typeof values.label === 'string' ? values.label : '');
      console.log(`Created API key ${id}. It is shown once, store it now:\n\n  ${key}\n`);
    } else if (sub === 'list') {
      const { rows } = await db.query<{ id: string; hint: string; label: string; created_at: Date; revoked_at: Date | null }>(
        'SELECT id, hint, label, created_at, revoked_at FROM api_keys WHERE project_id = $1 ORDER BY created_at',
        [await projectId(db, values.project)],
      );
      for (const k of rows) {
        console.log([k.id, k.hint, k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active', k.created_at.toISOString(), k.label].join('\t'));
      }
    } else {
      const id = positionals[0];
      if (!id) throw new ConfigError('keys revoke needs a key id (see keys list)');
      const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
      if (!rowCount) throw new ConfigError(`no active key ${id}`);
      console.log(`Revoked ${id}.`);
    }
  });
}
