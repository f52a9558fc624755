import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';

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

export interface RequestLogWriter {
  /** Queues a call's log; `entry` puts the row together (secrets removed) when the batch is written. */
  record(entry: () => CallLog): void;
  /** Writes everything recorded so far (reads call this first, so a caller sees its own calls). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const COLUMNS = [
  'id', 'request_id', 'project_id', 'account_id', 'provider', 'service', 'action', 'http_method', 'path', 'url', 'status',
  'success', 'duration_ms', 'source_ip', 'source_type', 'start_time', 'end_time', 'request', 'response', 'steps',
] as const;
const PURGE_EVERY_MS = 60 * 60 * 1000;
/** While the database cannot keep up, calls are still served; their log rows beyond this are dropped. */
const MAX_QUEUE = 20_000;
/** Entries put together per turn of the event loop at least (more when they pile up): small slices fit between requests. */
const SLICE = 4;
/** A statement's rows as JSON text, at most this many bytes (more go in the next statement). */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/**
 * Rows as one JSON array, written into memory outside the JavaScript heap: a batch lives for up
 * to `intervalMs`, long enough for strings on the heap to be copied by the garbage collector and
 * promoted to its old generation; bytes in a Buffer are not.
 */
class RowBuffer {
  private buf = Buffer.allocUnsafeSlow(256 * 1024);
  private len = 0;
  count = 0;

  push(json: string) {
    const need = this.len + 1 + json.length * 3 + 1;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.buf[this.len++] = this.count === 0 ? 0x5b /* [ */ : 0x2c /* , */;
    this.len += this.buf.write(json, this.len, 'utf8');
    this.count++;
  }

  get bytes() {
    return this.len;
  }

  /** The JSON array, and a fresh buffer for the next rows. */
  take(): Buffer | null {
    if (!this.count) return null;
    this.buf[this.len++] = 0x5d; /* ] */
    const out = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafeSlow(256 * 1024);
    this.len = 0;
    this.count = 0;
    return out;
  }
}

/** A row as `json_populate_recordset` reads it (keys are column names). */
function row(e: CallLog): Record<(typeof COLUMNS)[number], unknown> {
  return {
    id: e.id, request_id: e.requestId, project_id: e.projectId, account_id: e.accountId, provider: e.provider, service: e.service,
    action: e.action, http_method: e.httpMethod, path: e.path, url: e.url, status: e.status, success: e.status < 400,
    duration_ms: Math.round(e.durationMs), source_ip: e.sourceIp, source_type: e.sourceType, start_time: e.startTime,
    end_time: e.endTime, request: e.request, response: e.response, steps: e.steps,
  };
}

/**
 * Logs are written in batches, off the request path: a proxied call never waits for its log row.
 * Entries are put together (secrets removed, JSON text made) a few at a time in `setImmediate`
 * turns, so the work fills the gaps between requests instead of stalling one of them; a batch
 * goes to PostgreSQL as one statement when it holds `batchSize` rows or `intervalMs` after its
 * first entry (fewer, larger statements cost PostgreSQL less per row). Old rows are purged
 * (retention) at most once an hour per process. A failed write is reported and dropped: logs
 * must never take the proxy down.
 */
export function createRequestLogWriter(deps: Deps, opts: { batchSize?: number; intervalMs?: number } = {}): RequestLogWriter {
  const batchSize = opts.batchSize ?? 250;
  const intervalMs = opts.intervalMs ?? 100;
  /** Recorded, not yet put together (from `head` on). */
  let queue: Array<() => CallLog> = [];
  let head = 0;
  /** Put together, waiting for their statement. */
  const rows = new RowBuffer();
  const ready: Buffer[] = [];
  let timer: NodeJS.Timeout | null = null;
  let building: NodeJS.Immediate | null = null;
  let chain: Promise<void> = Promise.resolve();
  let lastPurge = 0;
  let dropped = 0;

  const waiting = () => queue.length - head;

  function build(max: number) {
    const end = Math.min(head + max, queue.length);
    for (; head < end; head++) {
      const entry = queue[head]!;
      try {
        rows.push(JSON.stringify(row(entry())));
        if (rows.bytes >= MAX_STATEMENT_BYTES) ready.push(rows.take()!);
      } catch (err) {
        deps.log.warn({ err }, 'request log entry could not be built: dropped');
      }
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
  }

  function buildSlice() {
    building = null;
    build(Math.max(SLICE, waiting() >> 1));
    if (rows.count >= batchSize || ready.length) void flush();
    else if (waiting()) building = setImmediate(buildSlice);
  }

  // One parameter per statement, the rows' JSON array as bytes: PostgreSQL expands it, instead of
  // the driver serialising 20 parameters a row.
  async function insert(json: Buffer) {
    await deps.db.query(
      `INSERT INTO request_logs (${COLUMNS.join(', ')})
       SELECT ${COLUMNS.join(', ')} FROM json_populate_recordset(NULL::request_logs, convert_from($1::bytea, 'UTF8')::json)
       ON CONFLICT (id) DO NOTHING`,
      [json],
    );
  }

  async function purge() {
    const now = deps.clock().getTime();
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    const cutoff = new Date(now - deps.settings.requestLogs.retentionDays * 86_400_000);
    await deps.db.query('DELETE FROM request_logs WHERE start_time < $1', [cutoff]);
  }

  async function drain() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (building) clearImmediate(building);
    building = null;
    build(waiting());
    const last = rows.take();
    const batch = last ? [...ready.splice(0), last] : ready.splice(0);
    if (dropped) {
      deps.log.warn({ dropped }, 'request log queue full: rows dropped');
      dropped = 0;
    }
    try {
      for (const json of batch) await insert(json);
      await purge();
    } catch (err) {
      deps.log.warn({ err }, 'request log write failed: rows dropped');
    }
  }

  /** At most one drain waits behind the running one; it takes everything recorded until it starts. */
  let scheduled: Promise<void> | null = null;
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
      if (waiting() + rows.count >= MAX_QUEUE) {
        dropped++;
        return;
      }
      queue.push(entry);
      if (!building && !scheduled) building = setImmediate(buildSlice);
      if (!timer) {
        timer = setTimeout(() => void flush(), intervalMs);
        timer.unref();
      }
    },
    flush,
    close: flush,
  };
}
