import { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { cursorFor, cursorOffset, last, list, statusCodes } from '../request-logs/query.js';

interface PlatformLogRow {
  id: string;
  request_id: string;
  project_id: string;
  account_id: string | null;
  category: string;
  action: string;
  resource: string | null;
  sub_resource: string | null;
  http_method: string;
  path: string;
  url: string;
  status: number;
  success: boolean;
  duration_ms: number;
  source_ip: string | null;
  source_type: string;
  start_time: Date;
  end_time: Date;
}

/**
 * The SDK's `order_by` enum is shared with request logs: `provider` and `service` mean nothing
 * for a platform call, so they keep the default order instead of being refused.
 */
const ORDER_COLUMNS = { eventDatetime: 'start_time', duration: 'duration_ms', status: 'status', provider: 'start_time', service: 'start_time' } as const;

/** `GET /requests/platform-logs` query: the SDK flattens its `filter` object to top-level keys. */
export const listPlatformLogsQuery = z.object({
  account_ids: list,
  actions: list,
  categories: list,
  http_methods: list,
  request_ids: list,
  resources: list,
  source_ids: list,
  source_types: list,
  source_values: list,
  status_codes: statusCodes,
  success: last(z.enum(['true', 'false']).optional()),
  start_date: last(z.iso.datetime({ offset: true }).optional()),
  end_date: last(z.iso.datetime({ offset: true }).optional()),
  order_by: last(z.enum(Object.keys(ORDER_COLUMNS) as [keyof typeof ORDER_COLUMNS]).default('eventDatetime')),
  order_direction: last(z.enum(['asc', 'desc']).default('desc')),
  next: last(z.string().max(200).optional()),
  page_size: last(z.coerce.number().int().min(1).max(100).default(25)),
});
export type ListPlatformLogsQuery = z.infer<typeof listPlatformLogsQuery>;

/** `PlatformLog` on the wire: every field of StackOne's schema, the ones Switchboard has no value for as null. */
function toWire(r: PlatformLogRow) {
  return {
    id: r.id,
    request_id: r.request_id,
    project_id: r.project_id,
    account_id: r.account_id,
    category: r.category,
    action: r.action,
    resource: r.resource,
    sub_resource: r.sub_resource,
    child_resource: null,
    http_method: r.http_method,
    path: r.path,
    url: r.url,
    status: r.status,
    success: r.success,
    duration: r.duration_ms,
    source_id: null,
    source_ip: r.source_ip,
    source_type: r.source_type,
    source_value: null,
    start_time: r.start_time.toISOString(),
    end_time: r.end_time.toISOString(),
    event_datetime: r.start_time.toISOString(),
  };
}

/** The WHERE clause for the filters, the project first (it leads the index). */
function conditions(scope: ProjectScope, q: ListPlatformLogsQuery) {
  const where = ['project_id = $1'];
  const params: unknown[] = [scope.projectId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('$?', `$${params.length}`));
  };
  if (q.account_ids?.length) add('account_id = ANY($?)', q.account_ids);
  if (q.actions?.length) add('action = ANY($?)', q.actions);
  if (q.categories?.length) add('category = ANY($?)', q.categories);
  if (q.http_methods?.length) add('http_method = ANY($?)', q.http_methods.map((m) => m.toUpperCase()));
  if (q.request_ids?.length) add('(request_id = ANY($?) OR id = ANY($?))', q.request_ids);
  if (q.resources?.length) add('resource = ANY($?)', q.resources);
  if (q.source_types?.length) add('source_type = ANY($?)', q.source_types);
  if (q.status_codes?.length) add('status = ANY($?)', q.status_codes);
  if (q.success) add('success = $?', q.success === 'true');
  if (q.start_date) add('start_time >= $?', new Date(q.start_date));
  if (q.end_date) add('start_time <= $?', new Date(q.end_date));
  // Entries carry no source id or value (both are null on the wire): asking for some matches none.
  if (q.source_ids?.length || q.source_values?.length) where.push('false');
  return { where, params };
}

/** `PlatformLogsPaginated`: the caller's project's platform calls, newest first by default, `next` while more match. */
export async function listPlatformLogs(deps: Deps, scope: ProjectScope, q: ListPlatformLogsQuery) {
  const { where, params } = conditions(scope, q);
  const offset = cursorOffset(q.next);
  const dir = q.order_direction === 'asc' ? 'ASC' : 'DESC';
  params.push(q.page_size + 1, offset);
  const { rows } = await deps.db.query<PlatformLogRow>(
    `SELECT * FROM platform_logs WHERE ${where.join(' AND ')}
     ORDER BY ${ORDER_COLUMNS[q.order_by]} ${dir}, id ${dir} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  const more = rows.length > q.page_size;
  return { data: rows.slice(0, q.page_size).map(toWire), next: more ? cursorFor(offset + q.page_size) : null };
}
