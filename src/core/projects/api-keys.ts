import type { Queryable } from '../../store/db.js';
import { hashToken, newId, newToken } from '../ids.js';
import type { ProjectScope } from '../deps.js';

export const API_KEY_PREFIX = 'sbk_';

export function generateApiKey(): string {
  return newToken(API_KEY_PREFIX);
}

/** Stores an API key for a project (only its hash and a short hint are kept). */
export async function addApiKey(db: Queryable, projectId: string, key: string, label = ''): Promise<string> {
  const id = newId('key');
  await db.query(
    `INSERT INTO api_keys (id, project_id, key_hash, hint, label) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_hash) DO NOTHING`,
    [id, projectId, hashToken(key), `…${key.slice(-4)}`, label],
  );
  return id;
}

/** Resolves an API key to its project, or null for an unknown or revoked key. */
export async function authenticateApiKey(db: Queryable, key: string): Promise<ProjectScope | null> {
  if (!key || key.length > 512) return null;
  const { rows } = await db.query<{ project_id: string; organization_id: number }>(
    `SELECT k.project_id, p.organization_id FROM api_keys k JOIN projects p ON p.id = k.project_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashToken(key)],
  );
  const row = rows[0];
  return row ? { projectId: row.project_id, organizationId: row.organization_id } : null;
}

export interface ApiKeySummary {
  id: string;
  projectId: string;
  hint: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_COLUMNS = 'id, project_id, hint, label, created_at, last_used_at, revoked_at';
type KeyRow = {
  id: string;
  project_id: string;
  hint: string;
  label: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};
const summary = (r: KeyRow): ApiKeySummary => ({
  id: r.id,
  projectId: r.project_id,
  hint: r.hint,
  label: r.label,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** A project's API keys, oldest first (hashes never leave the database). */
export async function listApiKeys(db: Queryable, projectId: string): Promise<ApiKeySummary[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE project_id = $1 ORDER BY created_at, id`,
    [projectId],
  );
  return rows.map(summary);
}

export type RevokeApiKeyResult =
  | { outcome: 'revoked'; key: ApiKeySummary; activeKeysLeft: number }
  | { outcome: 'unknown' }
  | { outcome: 'other_project'; key: ApiKeySummary }
  | { outcome: 'already_revoked'; key: ApiKeySummary };

/**
 * Revokes an API key. The update fires the api_keys trigger (migration 005), whose notification
 * clears every running server's key cache on commit, so the key is refused at once everywhere,
 * whichever process revoked it. With `projectId`, a key of another project is left alone.
 */
export async function revokeApiKey(
  db: Queryable,
  keyId: string,
  opts: { projectId?: string } = {},
): Promise<RevokeApiKeyResult> {
  const found = (await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [keyId]))
    .rows[0];
  if (!found) return { outcome: 'unknown' };
  if (opts.projectId !== undefined && found.project_id !== opts.projectId)
    return { outcome: 'other_project', key: summary(found) };
  const updated = (
    await db.query<KeyRow>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${KEY_COLUMNS}`,
      [keyId],
    )
  ).rows[0];
  if (!updated) {
    const now =
      (await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [keyId])).rows[0] ?? found;
    return { outcome: 'already_revoked', key: summary(now) };
  }
  const left = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM api_keys WHERE project_id = $1 AND revoked_at IS NULL',
    [updated.project_id],
  );
  return { outcome: 'revoked', key: summary(updated), activeKeysLeft: left.rows[0]!.n };
}
