import type { z } from 'zod';
import type { Deps, ProjectScope } from '../../deps.js';
import { AppError } from '../../errors.js';
import { LogFilter } from '../query.js';
import type { LogOrderBy, ListLogsQuery, requestLog, stepLog } from '../../../contract/logs.js';
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

const ORDER_COLUMNS: Record<LogOrderBy, string> = {
  eventDatetime: 'start_time',
  duration: 'duration_ms',
  status: 'status',
  provider: 'provider',
  service: 'service',
};

function stepToWire(r: LogRow, s: StepLog, full: boolean): z.input<typeof stepLog> {
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

function logToWire(r: LogRow, steps: 'none' | 'partial' | 'full'): z.input<typeof requestLog> {
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
  const filter = new LogFilter(scope.projectId, q);
  if (q.providers?.length) filter.add('provider = ANY($?)', q.providers);
  if (q.services?.length) filter.add('service = ANY($?)', q.services);
  const { rows, next } = await filter.page<LogRow>(deps, 'request_logs', ORDER_COLUMNS[q.order_by], q);
  return { data: rows.map((r) => logToWire(r, q.include === 'step_logs' ? 'partial' : 'none')), next };
}

/** `UnifiedLogResult`: one call with its request, response and provider steps. */
export async function getLog(deps: Deps, scope: ProjectScope, id: string) {
  const { rows } = await deps.db.query<LogRow>(
    'SELECT * FROM request_logs WHERE project_id = $1 AND (id = $2 OR request_id = $2) ORDER BY start_time DESC LIMIT 1',
    [scope.projectId, id],
  );
  const r = rows[0];
  if (!r) throw new AppError('REQUEST_LOG_NOT_FOUND', 'Request log not found');
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
  const steps = page.data.flatMap((log) =>
    'step_requests' in log ? (log.step_requests as Array<ReturnType<typeof stepToWire>>) : [],
  );
  return {
    data: steps.filter(
      (s) =>
        (!statusCodes?.length || (s.status !== null && statusCodes.includes(s.status))) &&
        (!success || s.success === (success === 'true')),
    ),
    next: page.next,
  };
}
