import { performance } from 'node:perf_hooks';
import type { Deps } from '../../deps.js';
import type { AppError } from '../../errors.js';
import type { ProviderSession } from '../../provider-calls/session.js';
import { bodyForLog, redactHeaders, redactText, redactUrl } from './redact.js';
import { stepLog, type Redaction } from './steps.js';
import { logRowId, type CallLog, type LogService, type RequestLogWriter } from './writer.js';

export interface CallerRequest {
  projectId: string;
  requestId: string;
  service: LogService;
  sourceIp: string | null;
  /** `api` for the platform API, `mcp` for MCP clients. */
  sourceType: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Collects what one proxy, action or MCP call did and hands one log entry to the writer when
 * it ends. The entry is put together (and secrets removed) when the writer takes it, off the
 * request path: until then it holds references, nothing leaves the process, and nothing is
 * written anywhere unredacted.
 */
export class CallRecorder {
  private readonly t0 = performance.now();
  private readonly started: number;
  accountId: string | null = null;
  /**
   * The account a caller named. It is logged only once known to be the caller's: after it was
   * opened, or when it was refused as suspended (409); another project's id is never echoed.
   */
  claimedAccountId: string | null = null;
  provider: string | null = null;
  action: string | null = null;
  session: ProviderSession | null = null;
  /** The provider request the call was about (its URL is redacted when the log is written). */
  upstream: { method: string; url: URL | null } | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly writer: RequestLogWriter,
    private readonly caller: CallerRequest,
  ) {
    this.started = deps.clock().getTime();
  }

  /** Records the outcome: the status and body (or its JSON text) Switchboard answered with, or the error it raised. */
  finish(status: number, outcome: { body?: unknown; json?: string; error?: AppError } = {}) {
    if (!this.accountId && this.claimedAccountId && outcome.error?.attemptCode === 'conflict')
      this.accountId = this.claimedAccountId;
    const t1 = performance.now();
    const redaction: Redaction = this.session?.redaction() ?? NOTHING_SECRET;
    const steps = this.session?.steps ?? [];
    const { accountId, provider, action, upstream, caller, started, t0 } = this;
    const bodies = this.deps.settings.requestLogs.bodies;
    this.writer.record((): CallLog => {
      const secrets = redaction.secrets;
      const stepLogs = steps.map((s) => stepLog(s, started, t0, bodies));
      const first = stepLogs[0];
      const response: Record<string, unknown> = { status_code: status };
      if (outcome.error) {
        response.error = redactText(outcome.error.message, secrets);
        if (outcome.error.provider) {
          response.provider_errors = [
            { status: outcome.error.provider.status ?? null, url: outcome.error.provider.url ?? null },
          ];
        }
      }
      const json = outcome.json ?? (outcome.body !== undefined ? JSON.stringify(outcome.body) : undefined);
      if (bodies && json !== undefined) response.body = bodyForLog(json, 'application/json', secrets);
      const request: Record<string, unknown> = {
        id: caller.requestId,
        method: caller.method,
        url: { url: caller.path, path: caller.path.split('?')[0] },
        headers: redactHeaders(caller.headers, secrets),
      };
      if (bodies && caller.body !== undefined)
        request.body = bodyForLog(JSON.stringify(caller.body), 'application/json', secrets);
      return {
        id: logRowId('log'),
        requestId: caller.requestId,
        projectId: caller.projectId,
        accountId,
        provider,
        service: caller.service,
        action,
        httpMethod: upstream?.method ?? first?.http_method ?? caller.method,
        path: upstream?.url?.pathname ?? first?.path ?? null,
        url:
          first?.url ?? (upstream?.url ? redactUrl(upstream.url, secrets, redaction.sensitiveParams) : null),
        status,
        durationMs: t1 - t0,
        sourceIp: caller.sourceIp,
        sourceType: caller.sourceType,
        startTime: new Date(started),
        endTime: new Date(started + (t1 - t0)),
        request,
        response,
        steps: stepLogs,
      };
    });
  }
}

const NOTHING_SECRET: Redaction = { secrets: [], sensitiveHeaders: new Set(), sensitiveParams: new Set() };
