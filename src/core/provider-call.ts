import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { Deps, ProjectScope } from './deps.js';
import { AppError, type ProviderEvidence } from './errors.js';
import type { AccountTarget } from './credentials.js';
import { hotCache } from './cache.js';
import { authInjection, ownsUrl, resolveUrl } from './provider-request.js';
import { urlPolicyViolation } from './network-policy.js';
import { providerAgent } from './provider-http.js';
import { TemplateError } from '../connectors/templating.js';
import { bodyForLog, redactHeaders, redactUrl } from './request-logs/redact.js';
import { logRowId, type StepLog } from './request-logs/writer.js';

export type UpstreamBody = string | Buffer | Readable | null;

export interface ProviderRequest {
  method: string;
  /** Builds the URL for a target; called again after a refresh (Salesforce's instance_url can move). */
  url: (t: AccountTarget) => URL;
  /** Caller headers, already filtered; credentials are added here and cannot be overridden. */
  headers?: Record<string, string>;
  body?: UpstreamBody;
}

export interface ProviderResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  url: URL;
}
export interface BufferedResponse extends ProviderResponse {
  body: Buffer;
}
export interface StreamedResponse extends ProviderResponse {
  body: Readable;
}

/** Larger buffered responses are refused: the raw passthrough streams them instead. */
export const MAX_BUFFERED_RESPONSE = 10 * 1024 * 1024;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRIED_5XX = new Set([500, 502, 503, 504]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRIED_SOCKET_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const MAX_ATTEMPTS = 5;
const MAX_REDIRECTS = 5;
/** Idle time allowed between chunks of a streamed body (the lifetime covers the wait for headers). */
const STREAM_IDLE_MS = 60_000;

/**
 * Cached targets are shared by every call on an account, so what is derived from one (its base
 * URL, the origins already checked) is kept beside it and dropped with it.
 */
const baseUrls = new WeakMap<AccountTarget, string>();
const checkedOrigins = new WeakMap<AccountTarget, Set<string>>();

/** The connector's base URL for a target (or the profile's override), checked once per target. */
export function baseUrlOf(deps: Deps, t: AccountTarget): string {
  let base = baseUrls.get(t);
  if (base === undefined) baseUrls.set(t, (base = resolveUrl(deps, t, 'base_url')));
  return base;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
};
const header = (h: ProviderResponse['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\d{1,7}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** Exponential backoff with jitter: 250 ms, 500 ms, 1 s, 2 s … capped at 8 s. */
const backoffMs = (attempt: number) => Math.min(8000, 250 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100);

/**
 * Provider calls for one linked account, within one lifetime (default 60 s) shared by every
 * attempt: a 429 waits for `Retry-After`, an idempotent request retries 5xx and dropped
 * connections with backoff, a 401 refreshes the token once (OAuth connectors) and retries,
 * redirects are followed only to hosts the connector owns. Every attempt becomes a step log.
 */
export class ProviderSession {
  readonly steps: StepLog[] = [];
  private readonly deadline: number;
  private cachedSecrets: string[] | null = null;

  constructor(
    readonly deps: Deps,
    readonly scope: ProjectScope,
    public target: AccountTarget,
  ) {
    this.deadline = performance.now() + deps.settings.providerCallLifetimeMs;
  }

  get connectorName(): string {
    return this.target.connector.name;
  }

  /** Values that must never appear in a log: secret fields, tokens, injected credentials. */
  secrets(): string[] {
    if (this.cachedSecrets) return this.cachedSecrets;
    const c = this.target.connector;
    const secretKeys = new Set([...c.config_fields, ...c.setup_fields].filter((f) => f.secret).map((f) => f.key));
    const out: string[] = [];
    for (const [k, v] of [...Object.entries(this.target.config), ...Object.entries(this.target.setup)]) if (secretKeys.has(k) && v) out.push(v);
    for (const [k, v] of Object.entries(this.target.credentials)) if (typeof v === 'string' && /token|secret|password|key|code|signature/i.test(k)) out.push(v);
    const injected = this.injection();
    out.push(...Object.values(injected.headers), ...Object.values(injected.query));
    return (this.cachedSecrets = out);
  }

  /** The credentials to put on a request; a missing token is the account's problem, not a 500. */
  private injection() {
    try {
      return authInjection(this.target);
    } catch (err) {
      if (err instanceof TemplateError) throw new AppError('conflict', `The account has no usable ${this.connectorName} credentials: reconnect it`, { cause: err });
      throw err;
    }
  }

  private remaining(): number {
    return this.deadline - performance.now();
  }

  private timeout(url: URL): AppError {
    const seconds = Math.round(this.deps.settings.providerCallLifetimeMs / 1000);
    return new AppError('provider_error', `${this.connectorName} did not answer within ${seconds} s`, {
      status: 408,
      provider: { url: url.origin + url.pathname, error: 'timeout' },
    });
  }

  /** A URL credentials may go to: the private-network rule and the connector's hosts. */
  private checkUrl(url: URL) {
    const plain = !url.username && !url.password;
    let seen = checkedOrigins.get(this.target);
    if (plain && seen?.has(url.origin)) return;
    const problem = urlPolicyViolation(url.href, this.deps.settings.allowPrivateNetwork);
    if (problem) throw new AppError('bad_request', `${this.connectorName} URL ${problem}`);
    if (!ownsUrl(this.target, url.href)) throw new AppError('bad_request', `${url.host} is not a ${this.connectorName} host`);
    if (!plain) return;
    if (!seen) checkedOrigins.set(this.target, (seen = new Set()));
    seen.add(url.origin);
  }

  /** Sends a request and reads the whole response (at most 10 MB) within the lifetime. */
  async send(req: ProviderRequest): Promise<BufferedResponse> {
    const first = req.url(this.target);
    const remaining = this.remaining();
    if (remaining <= 0) throw this.timeout(first);
    const lifetime = new AbortController();
    const timer = setTimeout(() => lifetime.abort(), remaining);
    try {
      const { res, url } = await this.exchange(req, lifetime.signal);
      const body = await readCapped(res, MAX_BUFFERED_RESPONSE, this.connectorName);
      const step = this.steps[this.steps.length - 1];
      if (step && this.deps.settings.requestLogs.bodies) step.response.body = bodyForLog(body, header(res.headers, 'content-type'), this.secrets());
      return { status: res.statusCode, headers: res.headers, url, body };
    } catch (err) {
      throw lifetime.signal.aborted && !(err instanceof AppError) ? this.timeout(first) : this.failure(err, first);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a request and hands back the response body as a stream (the raw passthrough). */
  async stream(req: ProviderRequest): Promise<StreamedResponse> {
    const first = req.url(this.target);
    if (this.remaining() <= 0) throw this.timeout(first);
    try {
      const { res, url } = await this.exchange(req, undefined);
      return { status: res.statusCode, headers: res.headers, url, body: res.body };
    } catch (err) {
      throw this.failure(err, first);
    }
  }

  private failure(err: unknown, url: URL): AppError {
    if (err instanceof AppError) return err;
    const code = errCode(err);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return this.timeout(url);
    const evidence: ProviderEvidence = { url: url.origin + url.pathname };
    if (code === 'ERR_PRIVATE_ADDRESS') {
      return new AppError('bad_request', `${this.connectorName} host ${url.hostname} resolves to a private network address`, { provider: evidence });
    }
    const why = code === 'ENOTFOUND' ? `${url.hostname} does not resolve` : 'connection failed';
    return new AppError('provider_error', `Could not reach ${this.connectorName}: ${why}`, { status: 502, provider: { ...evidence, error: why }, cause: err });
  }

  private startStep(method: string, url: URL, headers: Record<string, string>, body: UpstreamBody, sensitive: Set<string>): StepLog {
    const secrets = this.secrets();
    const now = this.deps.clock().toISOString();
    const step: StepLog = {
      id: logRowId('step'),
      http_method: method,
      url: redactUrl(url, secrets, new Set(Object.keys(this.target.connector.inject.query))),
      path: url.pathname,
      status: null,
      duration: performance.now(),
      success: false,
      start_time: now,
      end_time: now,
      request: { method, headers: redactHeaders(headers, secrets, sensitive) },
      response: {},
    };
    if (this.deps.settings.requestLogs.bodies && (typeof body === 'string' || Buffer.isBuffer(body))) {
      step.request.body = bodyForLog(body, headers['content-type'], secrets);
    }
    this.steps.push(step);
    return step;
  }

  private endStep(step: StepLog, res: Dispatcher.ResponseData | null, error?: string) {
    step.duration = Math.round((performance.now() - step.duration) * 100) / 100;
    step.end_time = this.deps.clock().toISOString();
    if (res) {
      step.status = res.statusCode;
      step.success = res.statusCode < 400;
      step.response = { status_code: res.statusCode, headers: redactHeaders(res.headers, this.secrets()) };
    } else {
      step.response = { error: error ?? 'failed' };
    }
  }

  /** The attempt loop: retries, refresh-once, redirects. Returns with the body unread. */
  private async exchange(req: ProviderRequest, signal: AbortSignal | undefined): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
    let method = req.method.toUpperCase();
    let body: UpstreamBody = req.body ?? null;
    const replayable = body === null || typeof body === 'string' || Buffer.isBuffer(body);
    let url = req.url(this.target);
    let fromTarget = true;
    let refreshed = false;
    let attempts = 0;
    let redirects = 0;
    for (;;) {
      this.checkUrl(url);
      attempts++;
      const auth = this.injection();
      const sensitive = new Set(Object.keys(auth.headers));
      const target = new URL(url);
      for (const [k, v] of Object.entries(auth.query)) target.searchParams.set(k, v);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers ?? {})) if (!sensitive.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
      Object.assign(headers, auth.headers);
      const step = this.startStep(method, target, headers, body, sensitive);
      const remaining = this.remaining();
      if (remaining <= 0) throw this.timeout(target);
      let res: Dispatcher.ResponseData;
      try {
        res = await request(target, {
          method: method as Dispatcher.HttpMethod,
          headers,
          body,
          dispatcher: providerAgent(this.deps.settings.allowPrivateNetwork),
          signal,
          headersTimeout: Math.ceil(remaining),
          bodyTimeout: signal ? Math.ceil(remaining) : STREAM_IDLE_MS,
        });
      } catch (err) {
        this.endStep(step, null, errCode(err) ?? (err as Error).name);
        const wait = backoffMs(attempts);
        if (replayable && IDEMPOTENT.has(method) && RETRIED_SOCKET_ERRORS.has(errCode(err) ?? '') && attempts < MAX_ATTEMPTS && wait < this.remaining()) {
          await sleep(wait);
          continue;
        }
        throw err;
      }
      this.endStep(step, res);
      const status = res.statusCode;

      if (status === 401 && !refreshed && replayable && this.target.connector.auth.type === 'oauth2') {
        await res.body.dump();
        refreshed = true;
        this.target = await hotCache(this.deps).accountTarget(this.scope, this.target.account.id, { forceRefresh: true });
        this.cachedSecrets = null;
        if (fromTarget) url = req.url(this.target);
        continue;
      }
      if (replayable && attempts < MAX_ATTEMPTS && (status === 429 || (RETRIED_5XX.has(status) && IDEMPOTENT.has(method)))) {
        const wait = retryAfterMs(header(res.headers, 'retry-after'), this.deps.clock()) ?? backoffMs(attempts);
        // A wait past the lifetime is not waited for: the caller gets the 429 and its Retry-After.
        if (wait < this.remaining()) {
          await res.body.dump();
          await sleep(wait);
          continue;
        }
      }
      const location = header(res.headers, 'location');
      if (REDIRECTS.has(status) && location && redirects < MAX_REDIRECTS) {
        let next: URL | null = null;
        try {
          next = new URL(location, target);
        } catch {
          next = null;
        }
        const keepsBody = status === 307 || status === 308;
        if (next && (replayable || !keepsBody || body === null)) {
          await res.body.dump();
          if (!(ownsUrl(this.target, next.href) && !urlPolicyViolation(next.href, this.deps.settings.allowPrivateNetwork))) {
            throw new AppError('provider_error', `${this.connectorName} redirected to ${next.host}, a host the connector does not own: not followed`, {
              status: 502,
              provider: { status, url: target.origin + target.pathname },
            });
          }
          if (!keepsBody && method !== 'GET' && method !== 'HEAD') {
            method = 'GET';
            body = null;
          }
          url = next;
          fromTarget = false;
          redirects++;
          continue;
        }
      }
      return { res, url: target };
    }
  }
}

function tooLarge(name: string, max: number) {
  return new AppError('provider_error', `${name}'s response is larger than ${max / 1024 / 1024} MB: use the raw passthrough /proxy/{account_id}/{path}`, {
    status: 502,
  });
}

async function readCapped(res: Dispatcher.ResponseData, max: number, name: string): Promise<Buffer> {
  const declared = Number(header(res.headers, 'content-length') ?? NaN);
  if (declared > max) {
    res.body.destroy();
    throw tooLarge(name, max);
  }
  // A declared length within the cap: read it in one go (the common case, and the fast one).
  if (Number.isFinite(declared)) return Buffer.from(await res.body.arrayBuffer());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      res.body.destroy();
      throw tooLarge(name, max);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Opens a session: the account's credentials (refused with a 4xx when not usable). */
export async function openSession(deps: Deps, scope: ProjectScope, accountId: string): Promise<ProviderSession> {
  return new ProviderSession(deps, scope, await hotCache(deps).accountTarget(scope, accountId));
}
