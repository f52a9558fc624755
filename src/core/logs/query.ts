import type { CommonLogQuery } from '../../contract/logs.js';
import type { Deps } from '../deps.js';
import { invalidInput } from '../errors.js';

/** The offset a `next` cursor stands for (0 without one); a cursor not made here is a 400. */
function cursorOffset(next: string | undefined): number {
  if (!next) return 0;
  const m = /^o(\d{1,9})$/.exec(Buffer.from(next, 'base64url').toString('utf8'));
  if (!m) throw invalidInput('next: not a cursor from a previous page', { field: 'next' });
  return Number(m[1]);
}
const cursorFor = (offset: number) => Buffer.from(`o${offset}`).toString('base64url');

/** A WHERE clause over one project's log rows, the project first (it leads the indexes). */
export class LogFilter {
  readonly where = ['project_id = $1'];
  readonly params: unknown[];

  constructor(projectId: string, q: CommonLogQuery) {
    this.params = [projectId];
    if (q.account_ids?.length) this.add('account_id = ANY($?)', q.account_ids);
    if (q.actions?.length) this.add('action = ANY($?)', q.actions);
    if (q.http_methods?.length)
      this.add(
        'http_method = ANY($?)',
        q.http_methods.map((m) => m.toUpperCase()),
      );
    if (q.request_ids?.length) this.add('(request_id = ANY($?) OR id = ANY($?))', q.request_ids);
    if (q.status_codes?.length) this.add('status = ANY($?)', q.status_codes);
    if (q.success) this.add('success = $?', q.success === 'true');
    if (q.start_date) this.add('start_time >= $?', new Date(q.start_date));
    if (q.end_date) this.add('start_time <= $?', new Date(q.end_date));
  }

  /** A condition on one value; `$?` stands for it. */
  add(sql: string, value: unknown) {
    this.params.push(value);
    this.where.push(sql.replaceAll('$?', `$${this.params.length}`));
  }

  /** One page of rows in the given order (ties broken by id), and the cursor of the next page while more match. */
  async page<R>(
    deps: Deps,
    table: string,
    orderBy: string,
    q: CommonLogQuery,
  ): Promise<{ rows: R[]; next: string | null }> {
    const offset = cursorOffset(q.next);
    const dir = q.order_direction === 'asc' ? 'ASC' : 'DESC';
    const params = [...this.params, q.page_size + 1, offset];
    const { rows } = await deps.db.query(
      `SELECT * FROM ${table} WHERE ${this.where.join(' AND ')}
       ORDER BY ${orderBy} ${dir} NULLS LAST, id ${dir} LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const more = rows.length > q.page_size;
    return { rows: rows.slice(0, q.page_size) as R[], next: more ? cursorFor(offset + q.page_size) : null };
  }
}
