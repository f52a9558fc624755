import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';

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

export interface PlatformLogWriter {
  /** Queues an entry; it is written with others, never while the call it describes is served. */
  record(entry: PlatformLog): void;
  /** Writes everything recorded so far (reads call this first, so a caller sees its own calls). */
  flush(): Promise<void>;
  /** Writes what is pending; entries recorded afterwards are ignored (the database is going away). */
  close(): Promise<void>;
}

/** Entry ids: randomUUID draws from a buffered entropy pool, so an id costs no syscall per call. */
export const platformLogId = () => `plog_${randomUUID()}`;

const COLUMNS = [
  'id', 'request_id', 'project_id', 'account_id', 'category', 'action', 'resource', 'sub_resource', 'http_method', 'path', 'url',
  'status', 'success', 'duration_ms', 'source_ip', 'source_type', 'start_time', 'end_time',
] as const;
const PURGE_EVERY_MS = 60 * 60 * 1000;
/** While the database cannot keep up, calls are still served; entries beyond this are dropped. */
const MAX_QUEUE = 10_000;

/**
 * Text from the request (its path, query names, path parameters) as a column can hold it:
 * PostgreSQL text takes no NUL (and one bad row would fail its whole batch), and a row's size
 * stays bounded whatever a caller sends.
 */
function storable(s: string, max: number): string;
function storable(s: string | null, max: number): string | null;
function storable(s: string | null, max: number): string | null {
  if (s === null) return null;
  const text = s.replace(/[\u0000-\u001f\u007f]/g, '');
  // Cut without leaving half of a surrogate pair (PostgreSQL's json refuses one).
  return text.length > max ? `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…` : text;
}

/** A row as `json_populate_recordset` reads it (keys are column names). */
function row(e: PlatformLog): Record<(typeof COLUMNS)[number], unknown> {
  return {
    id: e.id, request_id: e.requestId, project_id: e.projectId, account_id: storable(e.accountId, 256), category: e.category,
    action: storable(e.action, 512), resource: e.resource, sub_resource: e.subResource, http_method: e.httpMethod,
    path: storable(e.path, 2048), url: storable(e.url, 2048), status: e.status,
    success: e.status < 400, duration_ms: Math.round(e.durationMs * 1000) / 1000, source_ip: e.sourceIp, source_type: e.sourceType,
    start_time: e.startTime, end_time: e.endTime,
  };
}

/**
 * Platform logs are written in batches, off the request path: an entry is queued when its
 * response has been sent, and a batch goes to PostgreSQL as one statement per `batchSize` rows,
 * `intervalMs` after its first entry or as soon as it is full. Old rows are purged (the request
 * logs' retention) at most once an hour per process. A failed write is reported and dropped:
 * logging must never break the API it describes.
 */
export function createPlatformLogWriter(deps: Deps, opts: { batchSize?: number; intervalMs?: number; maxQueue?: number } = {}): PlatformLogWriter {
  const batchSize = opts.batchSize ?? 250;
  const intervalMs = opts.intervalMs ?? 100;
  const maxQueue = opts.maxQueue ?? MAX_QUEUE;
  let queue: PlatformLog[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  /** At most one drain waits behind the running one; it takes everything recorded until it starts. */
  let scheduled: Promise<void> | null = null;
  let lastPurge = 0;
  let dropped = 0;
  let closed = false;

  // One parameter per statement, the rows as a JSON array: PostgreSQL expands it, instead of the
  // driver sending 18 parameters a row.
  async function insert(rows: PlatformLog[]) {
    await deps.db.query(
      `INSERT INTO platform_logs (${COLUMNS.join(', ')})
       SELECT ${COLUMNS.join(', ')} FROM json_populate_recordset(NULL::platform_logs, $1::json)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(rows.map(row))],
    );
  }

  async function purge() {
    const now = deps.clock().getTime();
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    const cutoff = new Date(now - deps.settings.requestLogs.retentionDays * 86_400_000);
    await deps.db.query('DELETE FROM platform_logs WHERE start_time < $1', [cutoff]);
  }

  async function drain() {
    if (timer) clearTimeout(timer);
    timer = null;
    const pending = queue;
    queue = [];
    if (dropped) {
      deps.log.warn({ dropped }, 'platform log queue full: entries dropped');
      dropped = 0;
    }
    for (let i = 0; i < pending.length; i += batchSize) {
      const batch = pending.slice(i, i + batchSize);
      await insert(batch).catch((err: unknown) => deps.log.warn({ err, rows: batch.length }, 'platform log write failed: entries dropped'));
    }
    await purge().catch((err: unknown) => deps.log.warn({ err }, 'platform log retention purge failed'));
  }

  const flush = (): Promise<void> => {
    if (!scheduled) {
      scheduled = chain.then(() => {
        scheduled = null;
        return drain();
      });
      chain = scheduled;
    }
    return scheduled;
  };

  return {
    record(entry) {
      if (closed) return;
      if (queue.length >= maxQueue) {
        dropped++;
        return;
      }
      queue.push(entry);
      if (queue.length >= batchSize) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), intervalMs);
        timer.unref();
      }
    },
    flush,
    async close() {
      await flush();
      closed = true;
      // Entries recorded while that write ran.
      if (queue.length) await flush();
    },
  };
}
