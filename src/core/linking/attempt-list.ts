import type { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { reasonForCode, type LinkFailureReason } from './link-failures.js';
import type { connectionAttempt, ListAttemptsQuery } from '../../contract/attempts.js';
import type { AttemptStatus } from './connection-attempts.js';

interface ListedRow {
  id: string;
  provider: string | null;
  connector_profile_id: string | null;
  profile_label: string | null;
  method: 'oauth2' | 'api_token';
  status: AttemptStatus;
  reason: LinkFailureReason | null;
  error_code: string | null;
  error_description: string | null;
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  account_id: string | null;
  created_at: Date;
  ended_at: Date | null;
}

/** What an attempt that ended without an account says, by status. */
const ENDED_WITHOUT_ERROR: Partial<
  Record<AttemptStatus, { reason: LinkFailureReason; description: string }>
> = {
  cancelled: { reason: 'cancelled', description: 'The end user closed the window before finishing' },
  expired: { reason: 'expired', description: 'The sign-in was not finished in time' },
};

/**
 * The status as the Hub sees it: a pending attempt past its deadline is `expired`. Computed in
 * SQL too, so that filtering on it agrees with what is shown.
 */
const STATUS_SQL = `CASE WHEN a.status = 'pending' AND a.expires_at <= $2::timestamptz THEN 'expired' ELSE a.status END`;

/** The stored reason; rows ended by housekeeping (`interrupted`) or older rows carry only a code. */
const REASON_SQL = `COALESCE(a.reason, CASE WHEN a.status = 'pending' AND a.expires_at <= $2::timestamptz THEN 'expired'
  WHEN a.status = 'cancelled' THEN 'cancelled' WHEN a.status = 'error' AND a.error_code = 'interrupted' THEN 'interrupted' END)`;

class AttemptFilter {
  readonly where = ['a.project_id = $1'];
  readonly params: unknown[];

  constructor(scope: ProjectScope, now: Date, q: Omit<ListAttemptsQuery, 'page' | 'page_size'>) {
    // $2 is the clock: a pending attempt past its deadline counts as expired. Always used, so
    // that PostgreSQL can type it even when no filter needs it.
    this.where.push('$2::timestamptz IS NOT NULL');
    this.params = [scope.projectId, now];
    if (q.status?.length) this.add(`${STATUS_SQL} = ANY($?)`, q.status);
    if (q.reason?.length) this.add(`${REASON_SQL} = ANY($?)`, q.reason);
    if (q.provider?.length) this.add('COALESCE(a.provider, p.provider) = ANY($?)', q.provider);
    if (q.integration_id?.length) this.add('a.connector_profile_id = ANY($?)', q.integration_id);
    if (q.origin_owner_id) this.add('s.origin_owner_id = $?', q.origin_owner_id);
    if (q.start_date) this.add('a.created_at >= $?', new Date(q.start_date));
    if (q.end_date) this.add('a.created_at <= $?', new Date(q.end_date));
  }

  add(sql: string, value: unknown) {
    this.params.push(value);
    this.where.push(sql.replaceAll('$?', `$${this.params.length}`));
  }

  get sql() {
    return `FROM connection_attempts a
      JOIN connect_sessions s ON s.id = a.connect_session_id
      LEFT JOIN connector_profiles p ON p.id = a.connector_profile_id
      WHERE ${this.where.join(' AND ')}`;
  }
}

function attemptToListed(r: ListedRow): z.input<typeof connectionAttempt> {
  const ended = ENDED_WITHOUT_ERROR[r.status];
  const error =
    r.status === 'error'
      ? {
          code: r.reason ?? reasonForCode(r.error_code),
          description: r.error_description ?? '',
          provider_code: r.error_code,
        }
      : ended
        ? { code: ended.reason, description: ended.description, provider_code: null }
        : null;
  return {
    id: r.id,
    provider: r.provider,
    integration_id: r.connector_profile_id,
    integration_label: r.profile_label,
    method: r.method,
    origin_owner_id: r.origin_owner_id,
    origin_owner_name: r.origin_owner_name,
    origin_username: r.origin_username,
    status: r.status,
    error,
    account_id: r.account_id,
    created_at: r.created_at.toISOString(),
    ended_at: r.ended_at?.toISOString() ?? null,
  };
}
export type ListedAttempt = ReturnType<typeof attemptToListed>;

/** One page of a project's connection attempts, newest first. */
export async function listConnectionAttempts(
  deps: Deps,
  scope: ProjectScope,
  q: ListAttemptsQuery,
): Promise<ListedAttempt[]> {
  const f = new AttemptFilter(scope, deps.clock(), q);
  const params = [...f.params, q.page_size, (q.page - 1) * q.page_size];
  const { rows } = await deps.db.query<ListedRow>(
    `SELECT a.id, COALESCE(a.provider, p.provider) AS provider, a.connector_profile_id, p.label AS profile_label, a.method,
       ${STATUS_SQL} AS status, ${REASON_SQL} AS reason, a.error_code, a.error_description,
       s.origin_owner_id, s.origin_owner_name, s.origin_username, a.account_id, a.created_at,
       CASE WHEN a.status = 'pending' AND a.expires_at <= $2 THEN a.expires_at
            WHEN a.status = 'pending' THEN NULL ELSE COALESCE(a.ended_at, a.updated_at) END AS ended_at
     ${f.sql}
     ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(attemptToListed);
}

/** How many of a project's attempts match (the dashboard's "failed in the last 24 hours"). */
export async function countConnectionAttempts(
  deps: Deps,
  scope: ProjectScope,
  q: Omit<ListAttemptsQuery, 'page' | 'page_size'>,
): Promise<number> {
  const f = new AttemptFilter(scope, deps.clock(), q);
  const { rows } = await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n ${f.sql}`, f.params);
  return rows[0]?.n ?? 0;
}
