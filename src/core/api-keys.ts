import type { Queryable } from '../store/db.js';
import { hashToken, newId, newToken } from './ids.js';
import type { ProjectScope } from './deps.js';

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
