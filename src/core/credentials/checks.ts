import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { transaction } from '../../store/db.js';
import type { AccountRow } from '../accounts/row.js';
import { getProfile } from '../connector-profiles/profiles.js';
import { runTestAction } from '../connector-profiles/target.js';
import { markError } from './refresh.js';
import { CHECK_INTERVAL_MS, retryAfterFailure } from './schedule.js';

/** How long a claimed check is hidden from other workers. */
const CHECK_LEASE_MS = 60_000;

/**
 * Re-runs the test action of API-token accounts whose check is due (Oneflow's `/v1/ping`).
 * 401/403 mean the credentials stopped working → `error` + webhooks; anything else
 * (outage, timeout, 429) is retried later and the account stays active.
 */
export async function checkDueAccounts(deps: Deps, limit = 20): Promise<number> {
  const now = deps.clock();
  const { rows } = await deps.db.query<AccountRow & { refresh_failures: number }>(
    `UPDATE accounts SET next_check_at = $2 WHERE id IN (
       SELECT id FROM accounts WHERE status = 'active' AND next_check_at <= $1 ORDER BY next_check_at LIMIT $3 FOR UPDATE SKIP LOCKED
     ) RETURNING *`,
    [now, new Date(now.getTime() + CHECK_LEASE_MS), limit],
  );
  for (const account of rows) await checkAccount(deps, account);
  return rows.length;
}

async function checkAccount(deps: Deps, account: AccountRow & { refresh_failures: number }) {
  const profile = account.connector_profile_id
    ? await getProfile(
        deps,
        { projectId: account.project_id, organizationId: 0 },
        account.connector_profile_id,
      ).catch(() => null)
    : null;
  if (!profile) return;
  const secrets = account.secrets ? deps.vault.openJson<Record<string, string>>(account.secrets) : {};
  const now = deps.clock();
  try {
    await runTestAction(deps, {
      connector: profile.connector,
      environment: profile.environment,
      overrides: account.endpoint_overrides,
      config: { ...account.setup_information, ...secrets },
      setup: profile.setupValues,
      credentials: {},
    });
    await deps.db.query(
      "UPDATE accounts SET next_check_at = $2, refresh_failures = 0 WHERE id = $1 AND status = 'active'",
      [account.id, new Date(now.getTime() + CHECK_INTERVAL_MS)],
    );
  } catch (err) {
    const status = err instanceof AppError ? err.provider?.status : undefined;
    if (status === 401 || status === 403) {
      await transaction(deps.db, async (tx) => {
        const current = (
          await tx.query<AccountRow>(
            "SELECT * FROM accounts WHERE id = $1 AND status = 'active' FOR UPDATE",
            [account.id],
          )
        ).rows[0];
        if (current) await markError(deps, tx, current, `http_${status}`, (err as AppError).message);
      });
      return;
    }
    const failures = account.refresh_failures + 1;
    await deps.db.query('UPDATE accounts SET next_check_at = $2, refresh_failures = $3 WHERE id = $1', [
      account.id,
      retryAfterFailure(now, failures),
      failures,
    ]);
  }
}
