import type { z } from 'zod';
import type { Deps, ProjectScope } from '../../deps.js';
import { LogFilter } from '../query.js';
import type { ListPlatformLogsQuery, LogOrderBy, platformLog } from '../../../contract/logs.js';

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
  source_type: 'api' | 'dashboard';
  start_time: Date;
  end_time: Date;
}

/**
 * The SDK's `order_by` enum is shared with request logs: `provider` and `service` mean nothing
 * for a platform call, so they keep the default order instead of being refused.
 */
const ORDER_COLUMNS: Record<LogOrderBy, string> = {
  eventDatetime: 'start_time',
  duration: 'duration_ms',
  status: 'status',
  provider: 'start_time',
  service: 'start_time',
};

/** `PlatformLog` on the wire: every field of StackOne's schema, the ones Switchboard has no value for as null. */
function toWire(r: PlatformLogRow): z.input<typeof platformLog> {
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

/** `PlatformLogsPaginated`: the caller's project's platform calls, newest first by default, `next` while more match. */
export async function listPlatformLogs(deps: Deps, scope: ProjectScope, q: ListPlatformLogsQuery) {
  const filter = new LogFilter(scope.projectId, q);
  if (q.categories?.length) filter.add('category = ANY($?)', q.categories);
  if (q.resources?.length) filter.add('resource = ANY($?)', q.resources);
  if (q.source_types?.length) filter.add('source_type = ANY($?)', q.source_types);
  // Entries carry no source id or value (both are null on the wire): asking for some matches none.
  if (q.source_ids?.length || q.source_values?.length) filter.where.push('false');
  const { rows, next } = await filter.page<PlatformLogRow>(
    deps,
    'platform_logs',
    ORDER_COLUMNS[q.order_by],
    q,
  );
  return { data: rows.map(toWire), next };
}
