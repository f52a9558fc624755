import { z } from 'zod';
import { commaList, cursorPage, iso, last } from './common.js';

const list = commaList(200);

/** HTTP statuses as a comma list, possibly repeated. */
const statusCodes = z.preprocess(
  (v) =>
    v === undefined
      ? undefined
      : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean),
  z.array(z.coerce.number().int().min(100).max(599)).max(50).optional(),
);

/** The SDK's `order_by` values, shared by request logs and platform logs. */
export const LOG_ORDER_BY = ['eventDatetime', 'duration', 'status', 'provider', 'service'] as const;
export type LogOrderBy = (typeof LOG_ORDER_BY)[number];

/**
 * The query keys request logs and platform logs share (the SDK flattens its `filter` object to
 * top-level keys); each list adds its own keys.
 */
export const commonLogQuery = {
  account_ids: list,
  actions: list,
  http_methods: list,
  request_ids: list,
  status_codes: statusCodes,
  success: last(z.enum(['true', 'false']).optional()),
  start_date: last(z.iso.datetime({ offset: true }).optional()),
  end_date: last(z.iso.datetime({ offset: true }).optional()),
  order_direction: last(z.enum(['asc', 'desc']).default('desc')),
  next: last(z.string().max(200).optional()),
  page_size: last(z.coerce.number().int().min(1).max(100).default(25)),
  order_by: last(z.enum(LOG_ORDER_BY).default('eventDatetime')),
};
export type CommonLogQuery = z.infer<z.ZodObject<typeof commonLogQuery>>;

/** `GET /requests/logs` and `/requests/logs/steps` query. */
export const listLogsQuery = z.object({
  ...commonLogQuery,
  providers: list,
  services: list,
  include: last(z.enum(['step_logs']).optional()),
});
export type ListLogsQuery = z.infer<typeof listLogsQuery>;

/**
 * `GET /requests/platform-logs` query. The SDK's `order_by` enum is shared with request logs:
 * `provider` and `service` mean nothing for a platform call and keep the default order.
 */
export const listPlatformLogsQuery = z.object({
  ...commonLogQuery,
  categories: list,
  resources: list,
  source_ids: list,
  source_types: list,
  source_values: list,
});
export type ListPlatformLogsQuery = z.infer<typeof listPlatformLogsQuery>;

const logRequest = z
  .object({ method: z.string(), headers: z.record(z.string(), z.string()), body: z.unknown().optional() })
  .loose();
const logResponse = z
  .object({
    status_code: z.number().int().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    error: z.string().optional(),
  })
  .loose();

/** StackOne's `StepLog`: one provider request made for a call (`source_ip`, `request`, `response` in full). */
export const stepLog = z
  .strictObject({
    id: z.string(),
    request_id: z.string(),
    account_id: z.string().nullable(),
    project_id: z.string(),
    provider: z.string().nullable(),
    action: z.string().nullable(),
    service: z.string(),
    http_method: z.string(),
    path: z.string(),
    url: z.string(),
    status: z.number().int().nullable(),
    duration: z.number(),
    success: z.boolean(),
    is_worker: z.boolean(),
    start_time: iso,
    end_time: iso,
    source_ip: z.string().nullable().optional(),
    request: logRequest.optional(),
    response: logResponse.optional(),
  })
  .meta({ id: 'StepLog' });
export type StepLogWire = z.infer<typeof stepLog>;

/** StackOne's `UnifiedLogs`: one proxy, action or MCP call; the detail adds its request, response and steps. */
export const requestLog = z
  .strictObject({
    id: z.string(),
    request_id: z.string(),
    project_id: z.string(),
    account_id: z.string().nullable(),
    provider: z.string().nullable(),
    service: z.string(),
    action: z.string().nullable(),
    resource: z.string().nullable(),
    http_method: z.string(),
    path: z.string().nullable(),
    url: z.string().nullable(),
    status: z.number().int(),
    duration: z.number().meta({ description: 'Milliseconds' }),
    success: z.boolean(),
    is_worker: z.boolean(),
    source_ip: z.string().nullable(),
    source_type: z.string(),
    start_time: iso,
    end_time: iso,
    event_datetime: iso,
    step_requests: z.array(stepLog).optional(),
    request: z.record(z.string(), z.unknown()).optional(),
    response: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'RequestLog' });
export type RequestLog = z.infer<typeof requestLog>;

/** `UnifiedLogsPaginated` and `StepLogsPaginated`. */
export const requestLogPage = cursorPage(requestLog);
export const stepLogPage = cursorPage(stepLog);
/** `UnifiedLogResult`. */
export const requestLogResult = z.strictObject({ data: requestLog });

/** StackOne's `PlatformLog`: one call to the platform API (`id` is ours). */
export const platformLog = z
  .strictObject({
    id: z.string(),
    request_id: z.string(),
    project_id: z.string(),
    account_id: z.string().nullable(),
    category: z.string(),
    action: z.string(),
    resource: z.string().nullable(),
    sub_resource: z.string().nullable(),
    child_resource: z.null(),
    http_method: z.string(),
    path: z.string(),
    url: z
      .string()
      .meta({ description: 'The path and the names of query parameters; values are never stored' }),
    status: z.number().int(),
    success: z.boolean(),
    duration: z.number().meta({ description: 'Milliseconds' }),
    source_id: z.null(),
    source_ip: z.string().nullable(),
    source_type: z.enum(['api', 'dashboard']),
    source_value: z.null(),
    start_time: iso,
    end_time: iso,
    event_datetime: iso,
  })
  .meta({ id: 'PlatformLog' });
export type PlatformLog = z.infer<typeof platformLog>;

/** `PlatformLogsPaginated`. */
export const platformLogPage = cursorPage(platformLog);
