import type { SearchAccountsQuery } from '../../contract/accounts.js';
import type { Deps, ProjectScope } from '../deps.js';
import type { AccountRow } from './row.js';

/** `%` and `_` typed by the admin are literal characters, not patterns. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Newest first. `q` matches, case-insensitively, part of the account id, origin owner id or
 * name, origin username or label. `total` counts every match, for the page count.
 */
export async function searchAccounts(
  deps: Deps,
  scope: ProjectScope,
  q: SearchAccountsQuery,
): Promise<{ rows: AccountRow[]; total: number }> {
  const where = ['project_id = $1'];
  const params: unknown[] = [scope.projectId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('$?', `$${params.length}`));
  };
  if (q.provider) add('provider = $?', q.provider);
  if (q.status) add('status = $?', q.status);
  if (q.origin_owner_id) add('origin_owner_id = $?', q.origin_owner_id);
  if (q.q) {
    add(
      `(id ILIKE $? OR origin_owner_id ILIKE $? OR origin_owner_name ILIKE $? OR coalesce(origin_username, '') ILIKE $? OR coalesce(label, '') ILIKE $?)`,
      `%${likeEscape(q.q)}%`,
    );
  }
  params.push(q.page_size, (q.page - 1) * q.page_size);
  const { rows } = await deps.db.query<AccountRow & { total: number }>(
    `SELECT *, count(*) OVER () AS total FROM accounts WHERE ${where.join(' AND ')}
     ORDER BY created_at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  let total = rows[0]?.total ?? 0;
  // Past the last page the window count is lost with the rows: count separately.
  if (rows.length === 0 && q.page > 1) {
    const c = await deps.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM accounts WHERE ${where.join(' AND ')}`,
      params.slice(0, -2),
    );
    total = c.rows[0]?.n ?? 0;
  }
  return { rows: rows.map(({ total: _total, ...row }) => row), total };
}
