import type { Deps, ProjectScope } from '../deps.js';
import { AppError } from '../errors.js';
import { emitAccountEvent } from '../webhooks/events.js';
import { transaction } from '../../store/db.js';
import type { AccountRow, StatusReason } from './row.js';

export const SUSPENDED_REASON_CODE = 'suspended';

/**
 * Suspends a linked account (status `inactive`): provider calls on it are refused with 409 and
 * the refresh and check workers leave it alone. Credentials are kept, so `resumeAccount` brings
 * it back without the end user. Emits `account.updated` in the same transaction; suspending a
 * suspended account changes nothing and emits nothing.
 */
export async function suspendAccount(deps: Deps, scope: ProjectScope, id: string): Promise<AccountRow> {
  return setStatus(deps, scope, id, 'suspend');
}

/**
 * Resumes a suspended account: `active` again, or back to `error` with its earlier reasons when it
 * was suspended while in error (its credentials still need a re-connect link). Resuming an
 * account in `error` that was never suspended is a 409: only a re-connect fixes it.
 */
export async function resumeAccount(deps: Deps, scope: ProjectScope, id: string): Promise<AccountRow> {
  return setStatus(deps, scope, id, 'resume');
}

async function setStatus(
  deps: Deps,
  scope: ProjectScope,
  id: string,
  action: 'suspend' | 'resume',
): Promise<AccountRow> {
  return transaction(deps.db, async (tx) => {
    const { rows } = await tx.query<AccountRow>(
      'SELECT * FROM accounts WHERE project_id = $1 AND id = $2 FOR UPDATE',
      [scope.projectId, id],
    );
    const current = rows[0];
    if (!current) throw new AppError('ACCOUNT_NOT_FOUND', 'Account not found');
    const now = deps.clock();
    const earlier = current.status_reasons.filter((r) => r.code !== SUSPENDED_REASON_CODE);
    let status: AccountRow['status'];
    let reasons: StatusReason[];
    if (action === 'suspend') {
      if (current.status === 'inactive') return current;
      status = 'inactive';
      reasons = [
        {
          code: SUSPENDED_REASON_CODE,
          description: 'Suspended by a project admin',
          timestamp: now.toISOString(),
        },
        ...(current.status === 'error' ? earlier : []),
      ];
    } else {
      if (current.status === 'active') return current;
      if (current.status === 'error') {
        throw new AppError(
          'ACCOUNT_IN_ERROR',
          'This account is in error, not suspended: send a re-connect link (a connect session with account_id)',
        );
      }
      status = earlier.length ? 'error' : 'active';
      reasons = earlier;
    }
    const updated = await tx.query<AccountRow>(
      'UPDATE accounts SET status = $3, status_reasons = $4, updated_at = $5 WHERE project_id = $1 AND id = $2 RETURNING *',
      [scope.projectId, id, status, JSON.stringify(reasons), now],
    );
    await emitAccountEvent(deps, tx, 'account.updated', updated.rows[0]!);
    return updated.rows[0]!;
  });
}
