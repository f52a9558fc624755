import { createHmac } from 'node:crypto';
import type { Deps, ProjectScope } from '../deps.js';
import { hashToken, newToken, safeEqual } from '../ids.js';

/** A dashboard sign-in lasts 12 hours, however active; then the admin signs in again. */
export const ADMIN_SESSION_TTL_MS = 12 * 3600 * 1000;

export interface AdminSession {
  scope: ProjectScope;
  expiresAt: Date;
}

/**
 * The CSRF token of a session: an HMAC of a fixed label keyed by the session id. Only the holder
 * of the cookie value can compute it, the server recomputes it instead of storing it, and a
 * cross-site page can neither read the cookie nor the token the dashboard got from us.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('switchboard-dashboard-csrf').digest('base64url');
}

export function csrfTokenMatches(sessionId: string, given: unknown): boolean {
  return (
    typeof given === 'string' &&
    given.length > 0 &&
    given.length < 200 &&
    safeEqual(given, csrfTokenFor(sessionId))
  );
}

/**
 * Signs in with a project API key: returns a new session id (256 bits from the CSPRNG, the
 * cookie value; only its SHA-256 is stored) or null for an unknown or revoked key.
 */
export async function createAdminSession(
  deps: Deps,
  apiKey: string,
): Promise<{ sessionId: string; session: AdminSession } | null> {
  if (!apiKey || apiKey.length > 512) return null;
  const { rows } = await deps.db.query<{ id: string; project_id: string; organization_id: number }>(
    `SELECT k.id, k.project_id, p.organization_id FROM api_keys k JOIN projects p ON p.id = k.project_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashToken(apiKey)],
  );
  const key = rows[0];
  if (!key) return null;
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + ADMIN_SESSION_TTL_MS);
  const sessionId = newToken('sbs_');
  // Sign-ins are rare: clearing expired rows here keeps the table small without a worker.
  await deps.db.query('DELETE FROM admin_sessions WHERE expires_at <= $1', [now]);
  await deps.db.query(
    `INSERT INTO admin_sessions (id_hash, project_id, api_key_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [hashToken(sessionId), key.project_id, key.id, now, expiresAt],
  );
  return {
    sessionId,
    session: { scope: { projectId: key.project_id, organizationId: key.organization_id }, expiresAt },
  };
}

/** Resolves a session id to its project, or null when unknown, expired, or its API key was revoked. */
export async function authenticateAdminSession(deps: Deps, sessionId: string): Promise<AdminSession | null> {
  if (!sessionId || sessionId.length > 256) return null;
  const { rows } = await deps.db.query<{ project_id: string; organization_id: number; expires_at: Date }>(
    `SELECT s.project_id, p.organization_id, s.expires_at FROM admin_sessions s
     JOIN api_keys k ON k.id = s.api_key_id AND k.revoked_at IS NULL
     JOIN projects p ON p.id = s.project_id
     WHERE s.id_hash = $1 AND s.expires_at > $2`,
    [hashToken(sessionId), deps.clock()],
  );
  const row = rows[0];
  return row
    ? { scope: { projectId: row.project_id, organizationId: row.organization_id }, expiresAt: row.expires_at }
    : null;
}

/** Signs out: the session id stops working at once, in every process. */
export async function deleteAdminSession(deps: Deps, sessionId: string): Promise<void> {
  await deps.db.query('DELETE FROM admin_sessions WHERE id_hash = $1', [hashToken(sessionId)]);
}
