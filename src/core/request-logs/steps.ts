import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { bodyForLog, redactHeaders, redactUrl } from './redact.js';
import { logRowId, type StepLog } from './writer.js';

export interface StepContext {
  now: () => Date;
  secrets: () => string[];
  /** Header and query names that carry credentials (the connector's `inject` keys). */
  sensitiveHeaders: ReadonlySet<string>;
  sensitiveParams: ReadonlySet<string>;
  logBodies: boolean;
}

/** A provider request as a log step, secrets removed at once. `duration` holds the start until closed. */
export function openStep(ctx: StepContext, method: string, url: URL, headers: Record<string, string>, body: unknown): StepLog {
  const secrets = ctx.secrets();
  const now = ctx.now().toISOString();
  const step: StepLog = {
    id: logRowId('step'),
    http_method: method,
    url: redactUrl(url, secrets, ctx.sensitiveParams),
    path: url.pathname,
    status: null,
    duration: performance.now(),
    success: false,
    start_time: now,
    end_time: now,
    request: { method, headers: redactHeaders(headers, secrets, ctx.sensitiveHeaders) },
    response: {},
  };
  if (ctx.logBodies && (typeof body === 'string' || Buffer.isBuffer(body))) step.request.body = bodyForLog(body, headers['content-type'], secrets);
  return step;
}

/** Completes a step with the provider's answer, or with why there was none. */
export function closeStep(ctx: StepContext, step: StepLog, res: Dispatcher.ResponseData | null, error?: string) {
  step.duration = Math.round((performance.now() - step.duration) * 100) / 100;
  step.end_time = ctx.now().toISOString();
  if (res) {
    step.status = res.statusCode;
    step.success = res.statusCode < 400;
    step.response = { status_code: res.statusCode, headers: redactHeaders(res.headers, ctx.secrets()) };
  } else {
    step.response = { error: error ?? 'failed' };
  }
}
