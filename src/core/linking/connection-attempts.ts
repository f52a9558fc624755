import type { z } from 'zod';
import type { AttemptStatus, hubAttempt } from '../../contract/attempts.js';
import type { Deps } from '../deps.js';
import { AppError, attemptCodeOf, isErrorCode } from '../errors.js';
import { newId } from '../ids.js';
import type { SessionRow } from './connect-sessions.js';
import type { Queryable } from '../../store/db.js';
import type { ConnectorProfile } from '../connector-profiles/profiles.js';
import { reasonForCode, redactDescription, type LinkFailureReason } from './link-failures.js';

/** How long a popup has to complete the provider's flow. */
export const ATTEMPT_TTL_MS = 10 * 60 * 1000;

export type { AttemptStatus };

export interface AttemptRow {
  id: string;
  project_id: string;
  connect_session_id: number;
  connector_profile_id: string | null;
  status: AttemptStatus;
  method: 'oauth2' | 'api_token';
  provider: string | null;
  reason: LinkFailureReason | null;
  account_id: string | null;
  error_code: string | null;
  error_description: string | null;
  expires_at: Date;
  ended_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Counts one ended attempt in `switchboard_link_failures_total`. */
function countFailure(deps: Deps, provider: string | null, reason: LinkFailureReason) {
  deps.metrics.linkFailures.inc({
    connector: provider && deps.connectors.get(provider) ? provider : 'unknown',
    reason,
  });
}

/**
 * Most attempts one connect session may start within an attempt's lifetime. A person retrying
 * needs a handful; the cap keeps one session token from filling the database (the review made
 * 2,000 in 3.6 s).
 */
export const ATTEMPTS_PER_SESSION = 20;

export async function createAttempt(deps: Deps, session: SessionRow): Promise<AttemptRow> {
  const now = deps.clock();
  const { rows } = await deps.db.query<AttemptRow>(
    `INSERT INTO connection_attempts (id, project_id, connect_session_id, expires_at, created_at, updated_at)
     SELECT $1, $2, $3, $4, $5, $5
     WHERE (SELECT count(*) FROM connection_attempts WHERE connect_session_id = $3 AND created_at > $6) < $7
     RETURNING *`,
    [
      newId('att'),
      session.project_id,
      session.id,
      new Date(now.getTime() + ATTEMPT_TTL_MS),
      now,
      new Date(now.getTime() - ATTEMPT_TTL_MS),
      ATTEMPTS_PER_SESSION,
    ],
  );
  if (!rows[0]) throw new AppError('ATTEMPT_RATE_LIMITED');
  return rows[0];
}

/** An attempt of this session; a pending one past its deadline reads as `expired`. */
export async function getAttempt(
  deps: Deps,
  session: SessionRow,
  id: string,
  db: Queryable = deps.db,
): Promise<AttemptRow> {
  const { rows } = await db.query<AttemptRow>(
    'SELECT * FROM connection_attempts WHERE id = $1 AND connect_session_id = $2',
    [id, session.id],
  );
  const a = rows[0];
  if (!a) throw new AppError('ATTEMPT_NOT_FOUND', 'Connection attempt not found');
  if (a.status === 'pending' && a.expires_at.getTime() <= deps.clock().getTime())
    return { ...a, status: 'expired' };
  return a;
}

export async function cancelAttempt(deps: Deps, session: SessionRow, id: string): Promise<AttemptRow> {
  await getAttempt(deps, session, id);
  const { rows } = await deps.db.query<AttemptRow>(
    `UPDATE connection_attempts SET status = 'cancelled', reason = 'cancelled', updated_at = $3, ended_at = $3,
       provider = COALESCE(provider, (SELECT p.provider FROM connector_profiles p WHERE p.id = connector_profile_id))
     WHERE id = $1 AND connect_session_id = $2 AND status = 'pending' RETURNING *`,
    [id, session.id, deps.clock()],
  );
  if (rows[0]) countFailure(deps, rows[0].provider, 'cancelled');
  return rows[0] ?? getAttempt(deps, session, id);
}

/**
 * Ends a pending attempt; returns false when it was no longer pending (cancelled meanwhile).
 * An error is stored with its reason (given, or derived from the code: see `reasonForCode`) and
 * counted in `switchboard_link_failures_total`. Its description must already be free of secrets.
 */
export async function finishAttempt(
  deps: Deps,
  db: Queryable,
  id: string,
  outcome:
    | { status: 'authenticated'; accountId: string }
    | { status: 'error'; code: string; description: string; reason?: LinkFailureReason },
): Promise<boolean> {
  // An error's domain code is recorded as the status-named attempt code the Hub and the docs know.
  if (outcome.status === 'error' && isErrorCode(outcome.code))
    outcome = { ...outcome, code: attemptCodeOf(outcome.code) };
  const reason = outcome.status === 'error' ? (outcome.reason ?? reasonForCode(outcome.code)) : null;
  const { rows } = await db.query<{ provider: string | null }>(
    `UPDATE connection_attempts SET status = $2, account_id = $3, error_code = $4, error_description = $5, reason = $7,
       updated_at = $6, ended_at = $6,
       provider = COALESCE(provider, (SELECT p.provider FROM connector_profiles p WHERE p.id = connector_profile_id))
     WHERE id = $1 AND status = 'pending' RETURNING provider`,
    [
      id,
      outcome.status,
      outcome.status === 'authenticated' ? outcome.accountId : null,
      outcome.status === 'error' ? outcome.code.slice(0, 100) : null,
      outcome.status === 'error' ? outcome.description.slice(0, 1000) : null,
      deps.clock(),
      reason,
    ],
  );
  if (rows[0] && reason) countFailure(deps, rows[0].provider, reason);
  return rows.length === 1;
}

/**
 * Records a failed API-token link (`POST/PATCH /hub/accounts` whose check the provider refused
 * or could not answer) as an attempt born ended, so it is listed and counted like a failed
 * popup. The description is redacted with every value the end user submitted.
 */
export async function recordLinkFailure(
  deps: Deps,
  session: SessionRow,
  profile: ConnectorProfile,
  failure: { reason: LinkFailureReason; code: string; description: string; submitted: readonly unknown[] },
): Promise<void> {
  const now = deps.clock();
  await deps.db.query(
    `INSERT INTO connection_attempts (id, project_id, connect_session_id, connector_profile_id, provider, method, status,
       reason, error_code, error_description, expires_at, ended_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'api_token', 'error', $6, $7, $8, $9, $9, $9, $9)`,
    [
      newId('att'),
      session.project_id,
      session.id,
      profile.id,
      profile.provider,
      failure.reason,
      redactDescription(failure.code, failure.submitted).slice(0, 100),
      redactDescription(failure.description, failure.submitted),
      now,
    ],
  );
  countFailure(deps, profile.provider, failure.reason);
}

export function attemptToWire(a: AttemptRow): z.input<typeof hubAttempt> {
  return {
    id: a.id,
    status: a.status,
    account: a.account_id ? { id: a.account_id } : null,
    error: a.status === 'error' ? { code: a.error_code ?? 'error', description: a.error_description } : null,
  };
}
