import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import {
  copyText,
  createLogWriter,
  type LogTable,
  type LogWriter,
  type LogWriterOptions,
} from '../writer.js';

/** One call to the platform API, as stored. Nothing from its headers, body or query values. */
export interface PlatformLog {
  id: string;
  requestId: string;
  projectId: string;
  accountId: string | null;
  category: string;
  action: string;
  resource: string | null;
  subResource: string | null;
  httpMethod: string;
  path: string;
  url: string;
  status: number;
  durationMs: number;
  sourceIp: string | null;
  sourceType: string;
  startTime: Date;
  endTime: Date;
}

export type PlatformLogWriter = LogWriter<PlatformLog>;

/** Entry ids: randomUUID draws from a buffered entropy pool, so an id costs no syscall per call. */
export const platformLogId = () => `plog_${randomUUID()}`;

const COLUMNS = [
  'id',
  'request_id',
  'project_id',
  'account_id',
  'category',
  'action',
  'resource',
  'sub_resource',
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
] as const;

/**
 * Text from the request (its path, query names, path parameters) as a column can hold it:
 * PostgreSQL text takes no NUL (and one bad row would fail its whole batch), and a row's size
 * stays bounded whatever a caller sends.
 */
function storable(s: string, max: number): string;
function storable(s: string | null, max: number): string | null;
function storable(s: string | null, max: number): string | null {
  if (s === null) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const text = s.replace(/[\u0000-\u001f\u007f]/g, '');
  // Cut without leaving half of a surrogate pair.
  return text.length > max ? `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…` : text;
}

/** An entry as one line of COPY text, the fields in `COLUMNS` order. */
function copyRow(e: PlatformLog): string {
  return [
    copyText(e.id),
    copyText(e.requestId),
    copyText(e.projectId),
    copyText(storable(e.accountId, 256)),
    copyText(e.category),
    copyText(storable(e.action, 512)),
    copyText(e.resource),
    copyText(e.subResource),
    copyText(e.httpMethod),
    copyText(storable(e.path, 2048)),
    copyText(storable(e.url, 2048)),
    String(e.status),
    e.status < 400 ? 't' : 'f',
    String(Math.round(e.durationMs * 1000) / 1000),
    copyText(e.sourceIp),
    copyText(e.sourceType),
    e.startTime.toISOString(),
    e.endTime.toISOString(),
  ].join('\t');
}

const PLATFORM_LOGS: LogTable<PlatformLog> = {
  table: 'platform_logs',
  columns: COLUMNS,
  line: copyRow,
  what: 'platform log',
};

/** The platform-log writer (see `createLogWriter`): entries are queued once their response has been sent. */
export const createPlatformLogWriter = (deps: Deps, opts?: LogWriterOptions): PlatformLogWriter =>
  createLogWriter(deps, PLATFORM_LOGS, opts);
