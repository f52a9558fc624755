import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Deps } from '../deps.js';
import { transaction } from '../../store/db.js';

/** A log table the writer fills: its columns and how an entry becomes one line of COPY text. */
export interface LogTable<E> {
  table: string;
  columns: readonly string[];
  /** The entry's fields in `columns` order, tab-separated (see `copyText`, `copyJson`). Throwing drops the entry. */
  line(entry: E): string;
  /** How warnings name the table's entries: "request log", "platform log". */
  what: string;
}

export interface LogWriter<E> {
  /** Queues an entry; it is written with others, never while the call it describes is served. */
  record(entry: E): void;
  /** Writes everything recorded so far (reads call this first, so a caller sees its own calls). */
  flush(): Promise<void>;
  /** Writes what is pending; entries recorded afterwards are ignored (the database is going away). */
  close(): Promise<void>;
}

export interface LogWriterOptions {
  /** Rows per COPY, at most (a batch is written once it has them). */
  batchSize?: number;
  /** A batch is written this long after its first entry at the latest. */
  intervalMs?: number;
  /** While the database cannot keep up, calls are still served; entries beyond this are dropped. */
  maxQueue?: number;
}

/** Entries made into lines per turn of the event loop at least (more when they pile up): small slices fit between requests. */
const SLICE = 4;
/** A COPY's rows, at most this many bytes (more go in the next one). */
const MAX_COPY_BYTES = 4 * 1024 * 1024;

// COPY's text format: tab-separated, `\N` for NULL, backslash escapes. NUL cannot be stored in
// PostgreSQL text at all, so it is dropped rather than losing the whole batch to one value.
const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '',
};

/** A text (or NULL) field of a COPY line. */
export function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r\0]/g, (c) => COPY_ESCAPES[c]!) : v;
}

/** A json field. JSON text never holds a raw tab, line break or NUL (they are escaped), only backslashes to double. */
export function copyJson(v: unknown): string {
  const json = JSON.stringify(v);
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/**
 * Lines of COPY text, written into memory outside the JavaScript heap: a batch lives for up to
 * `intervalMs`, long enough for strings on the heap to be copied by the garbage collector and
 * promoted to its old generation; bytes in a Buffer are not.
 */
class LineBuffer {
  private buf = Buffer.allocUnsafeSlow(64 * 1024);
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

  /** The lines, and a fresh buffer for the next ones. */
  take(): Buffer | null {
    if (!this.count) return null;
    const out = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafeSlow(64 * 1024);
    this.len = 0;
    this.count = 0;
    return out;
  }
}

/**
 * Logs are written in batches, off the request path: a call never waits for its log row.
 * Entries become lines (for request logs: secrets removed, then COPY text) a few at a time in
 * `setImmediate` turns, so the work fills the gaps between requests instead of stalling one of
 * them; a batch goes to PostgreSQL as one COPY when it holds `batchSize` rows or `intervalMs`
 * after its first entry (fewer, larger batches cost PostgreSQL less per row; COPY reads rows as
 * they are, where an INSERT would expand parameters or a JSON document into records). A batch the
 * database refuses is reported and dropped, and the next one is tried: logs must never take the
 * API down. (Old rows are deleted by the workers' housekeeping: `purgeLogs`.)
 */
export function createLogWriter<E>(deps: Deps, spec: LogTable<E>, opts: LogWriterOptions = {}): LogWriter<E> {
  const batchSize = opts.batchSize ?? 250;
  const intervalMs = opts.intervalMs ?? 100;
  const maxQueue = opts.maxQueue ?? 20_000;
  const copySql = `COPY ${spec.table} (${spec.columns.join(', ')}) FROM STDIN`;
  /** Recorded, not yet made into lines (from `head` on). */
  let queue: E[] = [];
  let head = 0;
  /** Lines waiting for their COPY: the one filling, and full ones. */
  const lines = new LineBuffer();
  let full: Array<{ rows: Buffer; count: number }> = [];
  let fullCount = 0;
  let timer: NodeJS.Timeout | null = null;
  let building: NodeJS.Immediate | null = null;
  let chain: Promise<void> = Promise.resolve();
  /** At most one drain waits behind the running one; it takes everything recorded until it starts. */
  let scheduled: Promise<void> | null = null;
  let dropped = 0;
  let closed = false;

  const waiting = () => queue.length - head;
  const counted = (outcome: 'written' | 'dropped', n: number) =>
    deps.metrics.logEntries.inc({ table: spec.table, outcome }, n);

  function seal() {
    const count = lines.count;
    const rows = lines.take();
    if (rows) {
      full.push({ rows, count });
      fullCount += count;
    }
  }

  function build(max: number) {
    const end = Math.min(head + max, queue.length);
    for (; head < end; head++) {
      try {
        lines.push(spec.line(queue[head]!));
        if (lines.count >= batchSize || lines.bytes >= MAX_COPY_BYTES) seal();
      } catch (err) {
        counted('dropped', 1);
        deps.log.warn({ err }, `${spec.what} entry could not be written: dropped`);
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
    if (full.length) void flush();
    else if (waiting()) building = setImmediate(buildSlice);
  }

  // In `transaction`: a connection lost or left unusable mid-COPY fails this batch only, and is closed.
  async function copy(rows: Buffer) {
    await transaction(deps.db, async (tx) => {
      // Logs are already best effort (a batch waits in memory, a refused one is dropped): not
      // waiting for the WAL flush at commit spares PostgreSQL a disk flush per batch. A database
      // crash can lose the last few hundred milliseconds of rows; it never corrupts anything.
      await tx.query('SET LOCAL synchronous_commit = off');
      await pipeline(Readable.from([rows]), tx.query(copyFrom(copySql)));
    });
  }

  async function drain() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (building) clearImmediate(building);
    building = null;
    build(waiting());
    seal();
    const batches = full;
    full = [];
    fullCount = 0;
    if (dropped) {
      counted('dropped', dropped);
      deps.log.warn({ dropped }, `${spec.what} queue full: entries dropped`);
      dropped = 0;
    }
    for (const { rows, count } of batches) {
      await copy(rows).then(
        () => counted('written', count),
        (err: unknown) => {
          counted('dropped', count);
          deps.log.warn({ err, rows: count }, `${spec.what} write failed: entries dropped`);
        },
      );
    }
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
      if (waiting() + lines.count + fullCount >= maxQueue) {
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
    async close() {
      await flush();
      closed = true;
      // Entries recorded while that write ran.
      if (waiting() || lines.count) await flush();
    },
  };
}
