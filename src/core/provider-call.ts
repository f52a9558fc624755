import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { Deps, ProjectScope } from './deps.js';
import { AppError, type ProviderEvidence } from './errors.js';
import type { AccountTarget } from './credentials.js';
import { hotCache } from './cache.js';
import { authInjection, ownsUrl, resolveUrl } from './provider-request.js';
import { urlPolicyViolation } from './network-policy.js';
import { errCode, header, MAX_BUFFERED_RESPONSE, providerAgent, readCapped } from './provider-http.js';
import { TemplateError } from '../connectors/templating.js';
import { bodyForLog } from './request-logs/redact.js';
import type { StepLog } from './request-logs/writer.js';
import { closeStep, openStep, type StepContext } from './request-logs/steps.js';
import { IDEMPOTENT, MAX_ATTEMPTS, RETRIED_5XX, RETRIED_SOCKET_ERRORS, backoffMs, retryAfterMs, sleep } from './retry-policy.js';

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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
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

  private stepContext(sensitiveHeaders: ReadonlySet<string>): StepContext {
    return {
      now: this.deps.clock,
      secrets: () => this.secrets(),
      sensitiveHeaders,
      sensitiveParams: new Set(Object.keys(this.target.connector.inject.query)),
      logBodies: this.deps.settings.requestLogs.bodies,
    };
  }

  /** One request with the account's credentials, recorded as a step. */
  private async attempt(req: ProviderRequest, a: Attempt, signal: AbortSignal | undefined): Promise<{ res: Dispatcher.ResponseData; target: URL }> {
    this.checkUrl(a.url);
    const auth = this.injection();
    const sensitive = new Set(Object.keys(auth.headers));
    const target = new URL(a.url);
    for (const [k, v] of Object.entries(auth.query)) target.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) if (!sensitive.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
    Object.assign(headers, auth.headers);
    const ctx = this.stepContext(sensitive);
    const step = openStep(ctx, a.method, target, headers, a.body);
    this.steps.push(step);
    const remaining = this.remaining();
    if (remaining <= 0) throw this.timeout(target);
    try {
      const res = await request(target, {
        method: a.method as Dispatcher.HttpMethod,
        headers,
        body: a.body,
        dispatcher: providerAgent(this.deps.settings.allowPrivateNetwork),
        signal,
        headersTimeout: Math.ceil(remaining),
        bodyTimeout: signal ? Math.ceil(remaining) : STREAM_IDLE_MS,
      });
      closeStep(ctx, step, res);
      return { res, target };
    } catch (err) {
      closeStep(ctx, step, null, errCode(err) ?? (err as Error).name);
      throw err;
    }
  }

  /**
   * Follows a redirect when it stays on a host the connector owns (true: go again); a redirect
   * elsewhere is refused, so the credentials never follow it. False: hand the 3xx to the caller.
   */
  private async redirect(res: Dispatcher.ResponseData, from: URL, a: Attempt, replayable: boolean): Promise<boolean> {
    const location = header(res.headers, 'location');
    if (!REDIRECTS.has(res.statusCode) || !location || a.redirects >= MAX_REDIRECTS) return false;
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      return false;
    }
    const keepsBody = res.statusCode === 307 || res.statusCode === 308;
    if (keepsBody && !replayable && a.body !== null) return false;
    await res.body.dump();
    if (!ownsUrl(this.target, next.href) || urlPolicyViolation(next.href, this.deps.settings.allowPrivateNetwork)) {
      throw new AppError('provider_error', `${this.connectorName} redirected to ${next.host}, a host the connector does not own: not followed`, {
        status: 502,
        provider: { status: res.statusCode, url: from.origin + from.pathname },
      });
    }
    if (!keepsBody && a.method !== 'GET' && a.method !== 'HEAD') {
      a.method = 'GET';
      a.body = null;
    }
    a.url = next;
    a.fromTarget = false;
    a.redirects++;
    return true;
  }

  /** The attempt loop: retries, refresh-once, redirects. Returns with the body unread. */
  private async exchange(req: ProviderRequest, signal: AbortSignal | undefined): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
    const body: UpstreamBody = req.body ?? null;
    const replayable = body === null || typeof body === 'string' || Buffer.isBuffer(body);
    const a: Attempt = { method: req.method.toUpperCase(), body, url: req.url(this.target), fromTarget: true, refreshed: false, count: 0, redirects: 0 };
    for (;;) {
      a.count++;
      let sent: { res: Dispatcher.ResponseData; target: URL };
      try {
        sent = await this.attempt(req, a, signal);
      } catch (err) {
        const wait = backoffMs(a.count);
        const retry = replayable && IDEMPOTENT.has(a.method) && RETRIED_SOCKET_ERRORS.has(errCode(err) ?? '') && a.count < MAX_ATTEMPTS;
        if (!retry || wait >= this.remaining()) throw err;
        await sleep(wait);
        continue;
      }
      const { res, target } = sent;
      const status = res.statusCode;
      if (status === 401 && !a.refreshed && replayable && this.target.connector.auth.type === 'oauth2') {
        await res.body.dump();
        a.refreshed = true;
        this.target = await hotCache(this.deps).accountTarget(this.scope, this.target.account.id, { forceRefresh: true });
        this.cachedSecrets = null;
        if (a.fromTarget) a.url = req.url(this.target);
        continue;
      }
      if (replayable && a.count < MAX_ATTEMPTS && (status === 429 || (RETRIED_5XX.has(status) && IDEMPOTENT.has(a.method)))) {
        const wait = retryAfterMs(header(res.headers, 'retry-after'), this.deps.clock()) ?? backoffMs(a.count);
        // A wait past the lifetime is not waited for: the caller gets the 429 and its Retry-After.
        if (wait < this.remaining()) {
          await res.body.dump();
          await sleep(wait);
          continue;
        }
      }
      if (await this.redirect(res, target, a, replayable)) continue;
      return { res, url: target };
    }
  }
}

/** Where the attempt loop stands. */
interface Attempt {
  method: string;
  body: UpstreamBody;
  url: URL;
  /** False once a redirect chose the URL: a refresh must not send it back to the first one. */
  fromTarget: boolean;
  refreshed: boolean;
  count: number;
  redirects: number;
}

/** Opens a session: the account's credentials (refused with a 4xx when not usable). */
export async function openSession(deps: Deps, scope: ProjectScope, accountId: string): Promise<ProviderSession> {
  return new ProviderSession(deps, scope, await hotCache(deps).accountTarget(scope, accountId));
}
