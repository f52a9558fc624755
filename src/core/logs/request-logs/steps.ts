import { bodyForLog, redactHeaders, redactUrl } from './redact.js';
import { logRowId, type StepLog } from './writer.js';

/** What a log must hide for one account: its secret values and the names that carry credentials. */
export interface Redaction {
  readonly secrets: readonly string[];
  /** Header names the connector injects credentials in (lower case). */
  readonly sensitiveHeaders: ReadonlySet<string>;
  /** Query parameter names the connector injects credentials in. */
  readonly sensitiveParams: ReadonlySet<string>;
}

/**
 * A provider request as the call saw it. Nothing here is redacted or formatted yet: the step
 * becomes a `StepLog` (secrets removed) when its log row is written, off the request path.
 */
export interface RawStep {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
  /** performance.now() at the start and at the answer (or failure). */
  t0: number;
  t1: number;
  status: number | null;
  responseHeaders: Record<string, string | string[] | undefined> | null;
  responseBody?: Buffer;
  error?: string;
  redaction: Redaction;
}

/** Opens a step for a request about to be sent. */
export function openStep(
  redaction: Redaction,
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: unknown,
): RawStep {
  const t0 = performance.now();
  return { method, url, headers, body, t0, t1: t0, status: null, responseHeaders: null, redaction };
}

/** Completes a step with the provider's answer, or with why there was none. */
export function closeStep(
  step: RawStep,
  res: { statusCode: number; headers: Record<string, string | string[] | undefined> } | null,
  error?: string,
) {
  step.t1 = performance.now();
  if (res) {
    step.status = res.statusCode;
    step.responseHeaders = res.headers;
  } else {
    step.error = error ?? 'failed';
  }
}

/** The wall time of a performance.now() reading `t`, as ISO text. */
function isoAt(wallAt: number, perfAt: number, t: number): string {
  return new Date(wallAt + (t - perfAt)).toISOString();
}

/**
 * The stored form of a step, secrets removed. Wall-clock times are derived from the call's
 * start (`wallAt` is the wall time at performance.now() = `perfAt`).
 */
export function stepLog(s: RawStep, wallAt: number, perfAt: number, logBodies: boolean): StepLog {
  const { secrets, sensitiveHeaders, sensitiveParams } = s.redaction;
  const log: StepLog = {
    id: logRowId('step'),
    http_method: s.method,
    url: redactUrl(s.url, secrets, sensitiveParams),
    path: s.url.pathname,
    status: s.status,
    duration: Math.round((s.t1 - s.t0) * 100) / 100,
    success: s.status !== null && s.status < 400,
    start_time: isoAt(wallAt, perfAt, s.t0),
    end_time: isoAt(wallAt, perfAt, s.t1),
    request: { method: s.method, headers: redactHeaders(s.headers, secrets, sensitiveHeaders) },
    response: s.responseHeaders
      ? { status_code: s.status!, headers: redactHeaders(s.responseHeaders, secrets) }
      : { error: s.error ?? 'failed' },
  };
  if (logBodies) {
    if (typeof s.body === 'string' || Buffer.isBuffer(s.body))
      log.request.body = bodyForLog(s.body, s.headers['content-type'], secrets);
    if (s.responseBody && s.responseHeaders) {
      const ct = s.responseHeaders['content-type'];
      log.response.body = bodyForLog(s.responseBody, Array.isArray(ct) ? ct[0] : ct, secrets);
    }
  }
  return log;
}
