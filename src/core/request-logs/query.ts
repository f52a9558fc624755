import { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import type { StepLog } from './writer.js';

interface LogRow {
  id: string;
  request_id: string;
  project_id: string;
  account_id: string | null;
  provider: string | null;
  service: string;
  action: string | null;
  http_method: string;
  path: string | null;
  url: string | null;
  status: number;
  success: boolean;
  duration_ms: number;
  source_ip: string | null;
  source_type: string;
  start_time: Date;
  end_time: Date;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
  steps: StepLog[];
}

/** Comma lists, possibly repeated (`a,b` or `x=a&x=b`). */
export const list = z.preprocess(
  (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean)),
  z.array(z.string().max(255)).max(200).optional(),
);
/** The SDK may send a key twice (filter copy first, top-level copy second): the last one wins. */
export const last = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), schema);

/** HTTP statuses as a comma list, possibly repeated. */
export const statusCodes = z.preprocess(
  (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean)),
  z.array(z.coerce.number().int().min(100).max(599)).max(50).optional(),
);

const ORDER_COLUMNS = { eventDatetime: 'start_time', duration: 'duration_ms', status: 'status', provider: 'provider', service: 'service' } as const;

/** `GET /requests/logs` query: the SDK flattens its `filter` object to top-level keys. */
export const listLogsQuery = z.object({
  account_ids: list,
  actions: list,
  http_methods: list,
  providers: list,
  request_ids: list,
  services: list,
  status_codes: statusCodes,
  success: last(z.enum(['true', 'false']).optional()),
  start_date: last(z.iso.datetime({ offset: true }).optional()),
  end_date: last(z.iso.datetime({ offset: true }).optional()),
  order_by: last(z.enum(Object.keys(ORDER_COLUMNS) as [keyof typeof ORDER_COLUMNS]).default('eventDatetime')),
  order_direction: last(z.enum(['asc', 'desc']).default('desc')),
  include: last(z.enum(['step_logs']).optional()),
  next: last(z.string().max(200).optional()),
  page_size: last(z.coerce.number().int().min(1).max(100).default(25)),
});
export type ListLogsQuery = z.infer<typeof listLogsQuery>;

/** The offset a `next` cursor stands for (0 without one); a cursor not made here is a 400. */
export function cursorOffset(next: string | undefined): number {
  if (!next) return 0;
  const m = /^o(\d{1,9})$/.exec(Buffer.from(next, 'base64url').toString('utf8'));
  if (!m) throw badRequest('next: not a cursor from a previous page', { field: 'next' });
  return Number(m[1]);
}
export const cursorFor = (offset: number) => Buffer.from(`o${offset}`).toString('base64url');

function stepToWire(r: LogRow, s: StepLog, full: boolean) {
  const base = {
    id: s.id,
    request_id: r.request_id,
    account_id: r.account_id,
    project_id: r.project_id,
    provider: r.provider,
    action: r.action,
    service: r.service,
    http_method: s.http_method,
    path: s.path,
    url: s.url,
    status: s.status,
    duration: s.duration,
    success: s.success,
    is_worker: false,
    start_time: s.start_time,
    end_time: s.end_time,
  };
  return full ? { ...base, source_ip: r.source_ip, request: s.request, response: s.response } : base;
}

function logToWire(r: LogRow, steps: 'none' | 'partial' | 'full') {
  const base = {
    id: r.id,
    request_id: r.request_id,
    project_id: r.project_id,
    account_id: r.account_id,
    provider: r.provider,
    service: r.service,
    action: r.action,
    resource: r.action,
    http_method: r.http_method,
    path: r.path,
    url: r.url,
    status: r.status,
    duration: r.duration_ms,
    success: r.success,
    is_worker: false,
    source_ip: r.source_ip,
    source_type: r.source_type,
    start_time: r.start_time.toISOString(),
    end_time: r.end_time.toISOString(),
    event_datetime: r.start_time.toISOString(),
  };
  if (steps === 'none') return base;
  return { ...base, step_requests: r.steps.map((s) => stepToWire(r, s, steps === 'full')) };
}

/** `UnifiedLogsPaginated`: newest first by default, `next` while more rows match. */
export async function listLogs(deps: Deps, scope: ProjectScope, q: ListLogsQuery) {
  const where = ['project_id = $1'];
  const params: unknown[] = [scope.projectId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('$?', `$${params.length}`));
  };
  if (q.account_ids?.length) add('account_id = ANY($?)', q.account_ids);
  if (q.actions?.length) add('action = ANY($?)', q.actions);
  if (q.http_methods?.length) add('http_method = ANY($?)', q.http_methods.map((m) => m.toUpperCase()));
  if (q.providers?.length) add('provider = ANY($?)', q.providers);
  if (q.request_ids?.length) add('(request_id = ANY($?) OR id = ANY($?))', q.request_ids);
  if (q.services?.length) add('service = ANY($?)', q.services);
  if (q.status_codes?.length) add('status = ANY($?)', q.status_codes);
  if (q.success) add('success = $?', q.success === 'true');
  if (q.start_date) add('start_time >= $?', new Date(q.start_date));
  if (q.end_date) add('start_time <= $?', new Date(q.end_date));
  const offset = cursorOffset(q.next);
  const dir = q.order_direction === 'asc' ? 'ASC' : 'DESC';
  params.push(q.page_size + 1, offset);
  const { rows } = await deps.db.query<LogRow>(
    `SELECT * FROM request_logs WHERE ${where.join(' AND ')}
     ORDER BY ${ORDER_COLUMNS[q.order_by]} ${dir} NULLS LAST, id ${dir} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  const more = rows.length > q.page_size;
  return {
    data: rows.slice(0, q.page_size).map((r) => logToWire(r, q.include === 'step_logs' ? 'partial' : 'none')),
    next: more ? cursorFor(offset + q.page_size) : null,
  };
}

/** `UnifiedLogResult`: one call with its request, response and provider steps. */
export async function getLog(deps: Deps, scope: ProjectScope, id: string) {
  const { rows } = await deps.db.query<LogRow>(
    'SELECT * FROM request_logs WHERE project_id = $1 AND (id = $2 OR request_id = $2) ORDER BY start_time DESC LIMIT 1',
    [scope.projectId, id],
  );
  const r = rows[0];
  if (!r) throw notFound('Request log');
  return { data: { ...logToWire(r, 'full'), request: r.request, response: r.response } };
}

/**
 * `StepLogsPaginated` (`GET /requests/logs/steps`): the provider requests of the calls that
 * match the filters, newest call first. Pages run over calls; `status_codes` and `success`
 * apply to the steps themselves.
 */
export async function listStepLogs(deps: Deps, scope: ProjectScope, q: ListLogsQuery) {
  const { status_codes: statusCodes, success, ...callFilters } = q;
  const page = await listLogs(deps, scope, { ...callFilters, include: 'step_logs' });
  const steps = page.data.flatMap((log) => ('step_requests' in log ? (log.step_requests as Array<ReturnType<typeof stepToWire>>) : []));
  return {
    data: steps.filter((s) => (!statusCodes?.length || (s.status !== null && statusCodes.includes(s.status))) && (!success || s.success === (success === 'true'))),
    next: page.next,
  };
}
