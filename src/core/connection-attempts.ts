import type { Deps } from './deps.js';
import { notFound } from './errors.js';
import { newId } from './ids.js';
import type { SessionRow } from './connect-sessions.js';
import type { Queryable } from '../store/db.js';

/** How long a popup has to complete the provider's flow. */
export const ATTEMPT_TTL_MS = 10 * 60 * 1000;

export type AttemptStatus = 'pending' | 'authenticated' | 'error' | 'cancelled' | 'expired';

export interface AttemptRow {
  id: string;
  project_id: string;
  connect_session_id: number;
  connector_profile_id: string | null;
  status: AttemptStatus;
  account_id: string | null;
  error_code: string | null;
  error_description: string | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export async function createAttempt(deps: Deps, session: SessionRow): Promise<AttemptRow> {
  const now = deps.clock();
  const { rows } = await deps.db.query<AttemptRow>(
    `INSERT INTO connection_attempts (id, project_id, connect_session_id, expires_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING *`,
    [newId('att'), session.project_id, session.id, new Date(now.getTime() + ATTEMPT_TTL_MS), now],
  );
  return rows[0]!;
}

/** An attempt of this session; a pending one past its deadline reads as `expired`. */
export async function getAttempt(deps: Deps, session: SessionRow, id: string, db: Queryable = deps.db): Promise<AttemptRow> {
  const { rows } = await db.query<AttemptRow>('SELECT * FROM connection_attempts WHERE id = $1 AND connect_session_id = $2', [id, session.id]);
  const a = rows[0];
  if (!a) throw notFound('Connection attempt');
  if (a.status === 'pending' && a.expires_at.getTime() <= deps.clock().getTime()) return { ...a, status: 'expired' };
  return a;
}

export async function cancelAttempt(deps: Deps, session: SessionRow, id: string): Promise<AttemptRow> {
  await getAttempt(deps, session, id);
  const { rows } = await deps.db.query<AttemptRow>(
    `UPDATE connection_attempts SET status = 'cancelled', updated_at = $3
     WHERE id = $1 AND connect_session_id = $2 AND status = 'pending' RETURNING *`,
    [id, session.id, deps.clock()],
  );
  return rows[0] ?? getAttempt(deps, session, id);
}

/** Ends a pending attempt; returns false when it was no longer pending (cancelled meanwhile). */
export async function finishAttempt(
  deps: Deps,
  db: Queryable,
  id: string,
  outcome: { status: 'authenticated'; accountId: string } | { status: 'error'; code: string; description: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE connection_attempts SET status = $2, account_id = $3, error_code = $4, error_description = $5, updated_at = $6
     WHERE id = $1 AND status = 'pending'`,
    [
      id,
      outcome.status,
      outcome.status === 'authenticated' ? outcome.accountId : null,
      outcome.status === 'error' ? outcome.code : null,
      outcome.status === 'error' ? outcome.description : null,
      deps.clock(),
    ],
  );
  return rowCount === 1;
}

export function attemptToWire(a: AttemptRow) {
  return {
    id: a.id,
    status: a.status,
    account: a.account_id ? { id: a.account_id } : null,
    error: a.status === 'error' ? { code: a.error_code ?? 'error', description: a.error_description } : null,
  };
}
