import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
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
const COPY_SQL = `COPY request_logs (${COLUMNS.join(', ')}) FROM STDIN`;
const PURGE_EVERY_MS = 60 * 60 * 1000;
/** While the database cannot keep up, calls are still served; their log rows beyond this are dropped. */
const MAX_QUEUE = 20_000;
/** Entries put together per turn of the event loop at least (more when they pile up): small slices fit between requests. */
const SLICE = 4;
/** A COPY's rows, at most this many bytes (more go in the next one). */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/**
 * Rows in COPY text format, written into memory outside the JavaScript heap: a batch lives for
 * up to `intervalMs`, long enough for strings on the heap to be copied by the garbage collector
 * and promoted to its old generation; bytes in a Buffer are not.
 */
class RowBuffer {
  private buf = Buffer.allocUnsafeSlow(256 * 1024);
  private len = 0;
  count = 0;

  push(line: string) {
    const need = this.len + line.length * 3 + 1;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(line, this.len, 'utf8');
    this.buf[this.len++] = 0x0a; /* \n */
    this.count++;
  }

  get bytes() {
    return this.len;
  }

  /** The rows, and a fresh buffer for the next ones. */
  take(): Buffer | null {
    if (!this.count) return null;
    const out = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafeSlow(256 * 1024);
    this.len = 0;
    this.count = 0;
    return out;
  }
}

// COPY's text format: tab-separated, `\N` for NULL, backslash escapes. NUL cannot be stored in
// PostgreSQL text at all, so it is dropped rather than losing the whole batch to one value.
const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '' };
function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r\0]/g, (c) => COPY_ESCAPES[c]!) : v;
}
/** JSON text never holds a raw tab, newline or NUL (they are escaped), only backslashes to double. */
function copyJson(v: unknown): string {
  const json = JSON.stringify(v);
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/** A row as one line of COPY text, the fields in `COLUMNS` order. */
function copyRow(e: CallLog): string {
  return [
    copyText(e.id), copyText(e.requestId), copyText(e.projectId), copyText(e.accountId), copyText(e.provider), copyText(e.service),
    copyText(e.action), copyText(e.httpMethod), copyText(e.path), copyText(e.url), String(e.status), e.status < 400 ? 't' : 'f',
    String(Math.round(e.durationMs)), copyText(e.sourceIp), copyText(e.sourceType), e.startTime.toISOString(), e.endTime.toISOString(),
    copyJson(e.request), copyJson(e.response), copyJson(e.steps),
  ].join('\t');
}

/**
 * Logs are written in batches, off the request path: a proxied call never waits for its log row.
 * Entries are put together (secrets removed, COPY text made) a few at a time in `setImmediate`
 * turns, so the work fills the gaps between requests instead of stalling one of them; a batch
 * goes to PostgreSQL as one COPY when it holds `batchSize` rows or `intervalMs` after its
 * first entry (fewer, larger batches cost PostgreSQL less per row). Old rows are purged
 * (retention) at most once an hour per process. A failed write is reported and dropped: logs
 * must never take the proxy down.
 */
export function createRequestLogWriter(deps: Deps, opts: { batchSize?: number; intervalMs?: number } = {}): RequestLogWriter {
  const batchSize = opts.batchSize ?? 250;
  const intervalMs = opts.intervalMs ?? 100;
  /** Recorded, not yet put together (from `head` on). */
  let queue: Array<() => CallLog> = [];
  let head = 0;
  /** Put together, waiting for their COPY. */
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
        rows.push(copyRow(entry()));
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

  // COPY: PostgreSQL reads the rows as they are, instead of expanding a statement's parameters
  // or a JSON document into records (about a third less of its CPU per row).
  async function insert(rows: Buffer) {
    const client = await deps.db.connect();
    let failed: unknown;
    try {
      const copy = client.query(copyFrom(COPY_SQL));
      await pipeline(Readable.from([rows]), copy);
    } catch (err) {
      failed = err;
      throw err;
    } finally {
      // A connection whose COPY failed part way is not handed out again.
      client.release(failed instanceof Error ? failed : undefined);
    }
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
