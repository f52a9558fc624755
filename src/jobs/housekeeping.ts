import type { Deps } from '../core/deps.js';

/** A callback that consumed its state has this long to finish (token + test call take ≤ 20 s). */
const INTERRUPTED_AFTER = '2 minutes';

/** Log rows deleted per statement: a large backlog goes in several short statements, not one long one. */
const LOG_PURGE_BATCH = 20_000;
/** The purge reads the `start_time` BRIN index, whose newest ranges are not summarised yet: hourly is enough. */
const LOG_PURGE_EVERY_MS = 60 * 60 * 1000;
const lastLogPurge = new WeakMap<Deps['db'], number>();

/**
 * Request and platform logs and the inbound events log past the retention
 * (`SWITCHBOARD_REQUEST_LOG_RETENTION_DAYS`),
 * at most once an hour per process and database. Runs with the workers, whether or not anything
 * is being logged now.
 */
export async function purgeLogs(deps: Deps): Promise<number> {
  const now = deps.clock().getTime();
  if (now - (lastLogPurge.get(deps.db) ?? -Infinity) < LOG_PURGE_EVERY_MS) return 0;
  lastLogPurge.set(deps.db, now);
  const cutoff = new Date(now - deps.settings.requestLogs.retentionDays * 86_400_000);
  let removed = 0;
  for (const table of ['request_logs', 'platform_logs']) {
    for (;;) {
      const res = await deps.db.query(
        `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE start_time < $1 LIMIT ${LOG_PURGE_BATCH})`,
        [cutoff],
      );
      removed += res.rowCount ?? 0;
      if ((res.rowCount ?? 0) < LOG_PURGE_BATCH) break;
    }
  }
  // The inbound log goes with the logs, but never sooner than a week: its event rows are what
  // recognises a provider's redeliveries (Salesforce retries for 24 hours). Work still pending stays.
  const inboundCutoff = new Date(Math.min(cutoff.getTime(), now - 7 * 86_400_000));
  const inbound = await deps.db.query(
    `DELETE FROM inbound_deliveries d WHERE d.id IN (
       SELECT id FROM inbound_deliveries WHERE received_at < $1 LIMIT ${LOG_PURGE_BATCH})
     AND NOT EXISTS (SELECT 1 FROM inbound_events e WHERE e.delivery_id = d.id AND e.status = 'pending')`,
    [inboundCutoff],
  );
  removed += inbound.rowCount ?? 0;
  return removed;
}

/**
 * Ends OAuth attempts whose callback died mid-way (process killed after the state was
 * consumed; an end user still choosing an account is not one), so the Hub shows an error and the user can try again; and removes expired
 * one-time states, old attempts, long-expired connect sessions and logs past their retention.
 */
export async function housekeeping(
  deps: Deps,
): Promise<{ interrupted: number; removed: number; logsRemoved: number }> {
  const now = deps.clock();
  const interrupted = await deps.db.query(
    `UPDATE connection_attempts a SET status = 'error', error_code = 'interrupted',
       error_description = 'The connection was interrupted before it finished: please try again', updated_at = $1
     FROM oauth_states s WHERE s.attempt_id = a.id AND a.status = 'pending' AND s.used_at < $1::timestamptz - interval '${INTERRUPTED_AFTER}'
       AND NOT EXISTS (SELECT 1 FROM link_choices c WHERE c.attempt_id = a.id
         AND (c.used_at IS NULL OR c.used_at >= $1::timestamptz - interval '${INTERRUPTED_AFTER}'))`,
    [now],
  );
  // A state or a launch's sealed fields are of no use once their attempt has ended or expired.
  await deps.db.query(
    `DELETE FROM oauth_states s USING connection_attempts a WHERE s.attempt_id = a.id AND (a.status <> 'pending' OR a.expires_at < $1)`,
    [now],
  );
  // So are the tokens a choice holds (an answered choice has handed them on to the account).
  await deps.db.query(
    `DELETE FROM link_choices c USING connection_attempts a WHERE c.attempt_id = a.id AND (a.status <> 'pending' OR a.expires_at < $1)`,
    [now],
  );
  await deps.db.query(
    `UPDATE connection_attempts SET launch_hash = NULL, launch_sealed = NULL
     WHERE launch_sealed IS NOT NULL AND (status <> 'pending' OR expires_at < $1)`,
    [now],
  );
  const removed = await deps.db.query(
    `WITH states AS (DELETE FROM oauth_states WHERE expires_at < $1::timestamptz - interval '1 day' RETURNING 1),
          attempts AS (DELETE FROM connection_attempts WHERE created_at < $1::timestamptz - interval '7 days' RETURNING 1),
          sessions AS (DELETE FROM connect_sessions WHERE expires_at < $1::timestamptz - interval '30 days' RETURNING 1)
     SELECT (SELECT count(*) FROM states) + (SELECT count(*) FROM attempts) + (SELECT count(*) FROM sessions) AS n`,
    [now],
  );
  const logsRemoved = await purgeLogs(deps);
  return { interrupted: interrupted.rowCount ?? 0, removed: Number(removed.rows[0]?.n ?? 0), logsRemoved };
}
