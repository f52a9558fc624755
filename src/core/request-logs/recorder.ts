import { performance } from 'node:perf_hooks';
import type { Deps } from '../deps.js';
import type { AppError } from '../errors.js';
import type { ProviderSession } from '../provider-call.js';
import { bodyForLog, redactHeaders, redactText } from './redact.js';
import { logRowId, type LogService, type RequestLogWriter } from './writer.js';

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
 * it ends. The provider steps come from the call's session; secrets are removed here, before
 * anything is queued.
 */
export class CallRecorder {
  readonly logId = logRowId('log');
  private readonly t0 = performance.now();
  private readonly started: Date;
  accountId: string | null = null;
  /**
   * The account a caller named. It is logged only once known to be the caller's: after it was
   * opened, or when it was refused as suspended (409); another project's id is never echoed.
   */
  claimedAccountId: string | null = null;
  provider: string | null = null;
  action: string | null = null;
  session: ProviderSession | null = null;
  /** The provider request the call was about (method, path, URL without secret values). */
  upstream: { method: string; path: string | null; url: string | null } | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly writer: RequestLogWriter,
    private readonly caller: CallerRequest,
  ) {
    this.started = deps.clock();
  }

  /** Records the outcome: the status and body Switchboard answered with, or the error it raised. */
  finish(status: number, outcome: { body?: unknown; error?: AppError } = {}) {
    if (!this.accountId && this.claimedAccountId && outcome.error?.code === 'conflict') this.accountId = this.claimedAccountId;
    const secrets = this.session?.secrets() ?? [];
    const bodies = this.deps.settings.requestLogs.bodies;
    const first = this.session?.steps[0];
    const response: Record<string, unknown> = { status_code: status };
    if (outcome.error) {
      response.error = redactText(outcome.error.message, secrets);
      if (outcome.error.provider) {
        response.provider_errors = [{ status: outcome.error.provider.status ?? null, url: outcome.error.provider.url ?? null }];
      }
    }
    if (bodies && outcome.body !== undefined) response.body = bodyForLog(JSON.stringify(outcome.body), 'application/json', secrets);
    const request: Record<string, unknown> = {
      id: this.caller.requestId,
      method: this.caller.method,
      url: { url: this.caller.path, path: this.caller.path.split('?')[0] },
      headers: redactHeaders(this.caller.headers, secrets),
    };
    if (bodies && this.caller.body !== undefined) request.body = bodyForLog(JSON.stringify(this.caller.body), 'application/json', secrets);
    this.writer.record({
      id: this.logId,
      requestId: this.caller.requestId,
      projectId: this.caller.projectId,
      accountId: this.accountId,
      provider: this.provider,
      service: this.caller.service,
      action: this.action,
      httpMethod: this.upstream?.method ?? first?.http_method ?? this.caller.method,
      path: this.upstream?.path ?? first?.path ?? null,
      url: this.upstream?.url ?? first?.url ?? null,
      status,
      durationMs: performance.now() - this.t0,
      sourceIp: this.caller.sourceIp,
      sourceType: this.caller.sourceType,
      startTime: this.started,
      endTime: this.deps.clock(),
      request,
      response,
      steps: this.session?.steps ?? [],
    });
  }
}
