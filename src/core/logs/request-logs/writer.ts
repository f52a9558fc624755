import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import {
  copyJson,
  copyText,
  createLogWriter,
  type LogTable,
  type LogWriter,
  type LogWriterOptions,
} from '../writer.js';

/** One provider request made while serving a call (each retry and redirect is a step). */
export interface StepLog {
  id: string;
  http_method: string;
  url: string;
  path: string;
  status: number | null;
  duration: number;
  success: boolean;
  start_time: string;
  end_time: string;
  request: { method: string; headers: Record<string, string>; body?: unknown };
  response: { status_code?: number; headers?: Record<string, string>; body?: unknown; error?: string };
}

export type LogService = 'proxy' | 'actions' | 'mcp';

/** Log and step ids: randomUUID draws from a buffered entropy pool, so ids cost no syscall per call. */
export const logRowId = (prefix: 'log' | 'step') => `${prefix}_${randomUUID()}`;

/** One proxy, action or MCP tool call, as stored. */
export interface CallLog {
  id: string;
  requestId: string;
  projectId: string;
  accountId: string | null;
  provider: string | null;
  service: LogService;
  action: string | null;
  httpMethod: string;
  path: string | null;
  url: string | null;
  status: number;
  durationMs: number;
  sourceIp: string | null;
  sourceType: string;
  startTime: Date;
  endTime: Date;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
  steps: StepLog[];
}

/** Request logs: one entry per call, put together (secrets removed) when its batch is written. */
export type RequestLogWriter = LogWriter<() => CallLog>;

const COLUMNS = [
  'id',
  'request_id',
  'project_id',
  'account_id',
  'provider',
  'service',
  'action',
  'http_method',
  'path',
  'url',
  'status',
  'success',
  'duration_ms',
  'source_ip',
  'source_type',
  'start_time',
  'end_time',
  'request',
  'response',
  'steps',
] as const;

/** A call as one line of COPY text, the fields in `COLUMNS` order. */
function copyRow(e: CallLog): string {
  return [
    copyText(e.id),
    copyText(e.requestId),
    copyText(e.projectId),
    copyText(e.accountId),
    copyText(e.provider),
    copyText(e.service),
    copyText(e.action),
    copyText(e.httpMethod),
    copyText(e.path),
    copyText(e.url),
    String(e.status),
    e.status < 400 ? 't' : 'f',
    String(Math.round(e.durationMs)),
    copyText(e.sourceIp),
    copyText(e.sourceType),
    e.startTime.toISOString(),
    e.endTime.toISOString(),
    copyJson(e.request),
    copyJson(e.response),
    copyJson(e.steps),
  ].join('\t');
}

const REQUEST_LOGS: LogTable<() => CallLog> = {
  table: 'request_logs',
  columns: COLUMNS,
  line: (entry) => copyRow(entry()),
  what: 'request log',
};

/** With `SWITCHBOARD_REQUEST_LOGS=off`: calls are not recorded (what was recorded before stays until its retention ends). */
const NOT_RECORDING: RequestLogWriter = {
  record: () => undefined,
  flush: async () => undefined,
  close: async () => undefined,
};

/** The request-log writer (see `createLogWriter`): a call hands over a closure, the row is made off the request path. */
export const createRequestLogWriter = (deps: Deps, opts?: LogWriterOptions): RequestLogWriter =>
  deps.settings.requestLogs.enabled ? createLogWriter(deps, REQUEST_LOGS, opts) : NOT_RECORDING;
