import { EventEmitter } from 'node:events';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Deps, ProjectScope } from '../deps.js';
import { AppError, type ProviderEvidence } from '../errors.js';
import type { AccountTarget } from '../credentials/open.js';
import { hotCache } from './hot-cache.js';
import {
  authInjection,
  credentialHeaderNames,
  ownsUrl,
  resolveUrl,
  staticHeaders,
} from '../connector-profiles/target.js';
import { urlPolicyViolation } from '../network-policy.js';
import { errCode, header, MAX_BUFFERED_RESPONSE, readCapped } from './http.js';
import { providerCallGate, type Release } from './limits.js';
import { TemplateError } from '../../connectors/templating.js';
import { rateLimitRuleFor, rateLimitRules, rateLimitWaitMs } from '../../connectors/rate-limit.js';
import { closeStep, openStep, type RawStep, type Redaction } from '../logs/request-logs/steps.js';
import { IDEMPOTENT, MAX_ATTEMPTS, RETRIED_5XX, RETRIED_SOCKET_ERRORS, backoffMs } from './retry-policy.js';

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
/** A raw-proxy upload that forwards no byte for this long is cut off (408). */
export const RAW_UPLOAD_IDLE_MS = 30_000;
/** A raw-proxy upload, and the wait for the provider's answer to it, ends after this long (408). */
export const RAW_UPLOAD_LIFETIME_MS = 10 * 60_000;

type Injection = ReturnType<typeof authInjection>;

/**
 * What a call derives from an account's opened credentials: its base URL, the credentials to
 * inject, the values a log must hide, the origins already checked. Cached targets are shared by
 * every call on an account (and replaced, never changed, when the account changes), so this is
 * worked out once per target and dropped with it.
 */
interface Derived extends Redaction {
  base?: string;
  /** The credentials to inject, or why there are none (a token missing from the account). */
  injection: Injection | AppError;
  /** The connector's fixed non-credential headers, or why they cannot be rendered. */
  statics: Record<string, string> | AppError;
  readonly checkedOrigins: Set<string>;
}
const derivedOf = new WeakMap<AccountTarget, Derived>();

function derived(t: AccountTarget): Derived {
  let d = derivedOf.get(t);
  if (d) return d;
  const c = t.connector;
  let injection: Injection | AppError;
  try {
    injection = authInjection(t);
  } catch (err) {
    // A missing token is the account's problem, not a 500.
    if (!(err instanceof TemplateError)) throw err;
    injection = new AppError(
      'ACCOUNT_NEEDS_RECONNECT',
      `The account has no usable ${c.name} credentials: reconnect it`,
      {
        cause: err,
      },
    );
  }
  let statics: Record<string, string> | AppError;
  try {
    statics = staticHeaders(t);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    statics = new AppError('PROFILE_MISCONFIGURED', `${c.name} headers: ${err.message}`, { cause: err });
  }
  const secretKeys = new Set(
    [...c.config_fields, ...c.setup_fields].filter((f) => f.secret).map((f) => f.key),
  );
  const secrets: string[] = [];
  for (const [k, v] of [...Object.entries(t.config), ...Object.entries(t.setup)])
    if (secretKeys.has(k) && v) secrets.push(v);
  for (const [k, v] of Object.entries(t.credentials))
    if (typeof v === 'string' && /token|secret|password|key|code|signature/i.test(k)) secrets.push(v);
  const injected = injection instanceof AppError ? { headers: {}, query: {} } : injection;
  secrets.push(...Object.values(injected.headers), ...Object.values(injected.query));
  d = {
    injection,
    statics,
    secrets,
    sensitiveHeaders: credentialHeaderNames(c),
    sensitiveParams: new Set(Object.keys(c.inject.query)),
    checkedOrigins: new Set(),
  };
  derivedOf.set(t, d);
  return d;
}

/** The connector's base URL for a target (or the profile's override), checked once per target. */
export function baseUrlOf(deps: Deps, t: AccountTarget): string {
  const d = derived(t);
  d.base ??= resolveUrl(deps, t, 'base_url');
  return d.base;
}

/**
 * A URL builder that works a URL out once per target: the route needs the URL before the call
 * (for its log) and the session needs it again for the same target, or anew after a refresh.
 */
export function urlPerTarget(build: (t: AccountTarget) => URL): (t: AccountTarget) => URL {
  let last: { t: AccountTarget; url: URL } | null = null;
  return (t) => {
    if (last?.t !== t) last = { t, url: build(t) };
    return last.url;
  };
}

/**
 * The lifetime of a call as undici's `signal`: an EventEmitter, which undici accepts and which
 * costs far less per request than an AbortController. Aborting it ends the request in flight,
 * including a body still being read.
 */
export class Lifetime extends EventEmitter {
  aborted = false;
  reason: Error | undefined;
  /** Set when the caller's upload stalled, rather than the provider. */
  stalled = false;
  abort() {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = Object.assign(new Error('The call ran out of time'), { name: 'AbortError' });
    this.emit('abort');
  }
}

/**
 * The request's answer, or the lifetime's end, whichever comes first. undici only acts on an
 * abort once it hands the request a socket: a request queued behind a full pool would otherwise
 * wait past its lifetime (security review M5). On the deadline the caller is answered at once;
 * undici drops the queued request when its turn comes, and a late answer is thrown away.
 */
export function beforeDeadline(
  pending: Promise<Dispatcher.ResponseData>,
  lifetime: Lifetime,
): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(lifetime.reason);
      pending.then(
        (res) => res.body.destroy(),
        () => undefined,
      );
    };
    if (lifetime.aborted) return onAbort();
    lifetime.once('abort', onAbort);
    pending.then(
      (res) => {
        lifetime.off('abort', onAbort);
        resolve(res);
      },
      (err: unknown) => {
        lifetime.off('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Passes an upload through, ending the call when no byte has gone through for `idleMs`: a caller
 * that sends a byte now and then would otherwise hold a provider connection for as long as it likes.
 */
function uploadWatchdog(source: Readable, idleMs: number, lifetime: Lifetime): Readable {
  const timer = setTimeout(() => {
    lifetime.stalled = true;
    lifetime.abort();
  }, idleMs);
  const pass = new Transform({
    transform(chunk, _encoding, done) {
      timer.refresh();
      done(null, chunk);
    },
  });
  pass.once('close', () => clearTimeout(timer));
  pass.once('finish', () => clearTimeout(timer));
  pipeline(source, pass, () => clearTimeout(timer));
  return pass;
}

/**
 * Provider calls for one linked account, within one lifetime (default 60 s) shared by every
 * attempt: a 429 waits for `Retry-After`, an idempotent request retries 5xx and dropped
 * connections with backoff, a 401 refreshes the token once (OAuth connectors) and retries,
 * redirects are followed only to hosts the connector owns. Every attempt becomes a step log.
 */
export class ProviderSession {
  readonly steps: RawStep[] = [];
  private readonly deadline: number;

  constructor(
    readonly deps: Deps,
    readonly scope: ProjectScope,
    public target: AccountTarget,
  ) {
    this.deadline = deps.timers.now() + deps.settings.providerCallLifetimeMs;
  }

  get connectorName(): string {
    return this.target.connector.name;
  }

  /** Values that must never appear in a log: secret fields, tokens, injected credentials. */
  secrets(): readonly string[] {
    return derived(this.target).secrets;
  }

  /** What a log of this call must hide (for the account's current credentials). */
  redaction(): Redaction {
    return derived(this.target);
  }

  private remaining(): number {
    return this.deadline - this.deps.timers.now();
  }

  private timeout(url: URL, limitMs = this.deps.settings.providerCallLifetimeMs): AppError {
    const seconds = Math.round(limitMs / 1000);
    return new AppError('PROVIDER_TIMEOUT', `${this.connectorName} did not answer within ${seconds} s`, {
      provider: { url: url.origin + url.pathname, error: 'timeout' },
    });
  }

  /** A URL credentials may go to: the private-network rule and the connector's hosts. */
  private checkUrl(url: URL) {
    const plain = !url.username && !url.password;
    const seen = derived(this.target).checkedOrigins;
    if (plain && seen.has(url.origin)) return;
    const problem = urlPolicyViolation(url.href, this.deps.settings.allowPrivateNetwork);
    if (problem) throw new AppError('URL_NOT_ALLOWED', `${this.connectorName} URL ${problem}`);
    if (!ownsUrl(this.target, url.href))
      throw new AppError('HOST_NOT_OWNED', `${url.host} is not a ${this.connectorName} host`);
    if (plain) seen.add(url.origin);
  }

  /** Sends a request and reads the whole response (at most 10 MB) within the lifetime. */
  async send(req: ProviderRequest): Promise<BufferedResponse> {
    const first = req.url(this.target);
    const remaining = this.remaining();
    if (remaining <= 0) throw this.timeout(first);
    const release = this.acquire(first);
    const lifetime = new Lifetime();
    const timer = setTimeout(() => lifetime.abort(), remaining);
    try {
      const { res, url } = await this.exchange(req, first, lifetime, false);
      const body = await readCapped(res, MAX_BUFFERED_RESPONSE, this.connectorName);
      const step = this.steps[this.steps.length - 1];
      if (step && this.deps.settings.requestLogs.bodies) step.responseBody = body;
      return { status: res.statusCode, headers: res.headers, url, body };
    } catch (err) {
      throw lifetime.aborted && !(err instanceof AppError) ? this.timeout(first) : this.failure(err, first);
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  /**
   * Sends a request and hands back the response body as a stream (the raw passthrough). The
   * lifetime covers the wait for the provider's headers; a streamed upload has its own idle and
   * total limits instead. The response body then streams with an idle limit between chunks.
   */
  async stream(req: ProviderRequest): Promise<StreamedResponse> {
    const first = req.url(this.target);
    const remaining = this.remaining();
    if (remaining <= 0) throw this.timeout(first);
    const release = this.acquire(first);
    const lifetime = new Lifetime();
    const upload = this.deps.settings.rawUpload ?? {
      idleMs: RAW_UPLOAD_IDLE_MS,
      lifetimeMs: RAW_UPLOAD_LIFETIME_MS,
    };
    const streamedBody = req.body != null && typeof req.body !== 'string' && !Buffer.isBuffer(req.body);
    // A streamed upload may take longer than a call's lifetime (it is bounded by its own limits);
    // the lifetime still bounds the provider's silence after the last byte (headersTimeout).
    const limit = streamedBody ? upload.lifetimeMs : remaining;
    const timer = setTimeout(() => lifetime.abort(), limit);
    const body = streamedBody ? uploadWatchdog(req.body as Readable, upload.idleMs, lifetime) : req.body;
    try {
      const { res, url } = await this.exchange({ ...req, body: body ?? null }, first, lifetime, true);
      res.body.once('close', release);
      return { status: res.statusCode, headers: res.headers, url, body: res.body };
    } catch (err) {
      release();
      if (lifetime.stalled && !(err instanceof AppError)) {
        throw new AppError(
          'UPLOAD_STALLED',
          `The upload stalled: no data for ${Math.round(upload.idleMs / 1000)} s`,
        );
      }
      if (lifetime.aborted && !(err instanceof AppError))
        throw streamedBody ? this.timeout(first, upload.lifetimeMs) : this.timeout(first);
      throw this.failure(err, first);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A slot for this call among the project's and the account's calls to the origin (else 429). */
  private acquire(url: URL): Release {
    return providerCallGate(this.deps).acquire(
      url.origin,
      this.scope.projectId,
      this.target.account.id,
      this.connectorName,
    );
  }

  private failure(err: unknown, url: URL): AppError {
    if (err instanceof AppError) return err;
    const code = errCode(err);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return this.timeout(url);
    const evidence: ProviderEvidence = { url: url.origin + url.pathname };
    if (code === 'ERR_PRIVATE_ADDRESS') {
      return new AppError(
        'URL_NOT_ALLOWED',
        `${this.connectorName} host ${url.hostname} resolves to a private network address`,
        { provider: evidence },
      );
    }
    const why = code === 'ENOTFOUND' ? `${url.hostname} does not resolve` : 'connection failed';
    return new AppError('PROVIDER_UNREACHABLE', `Could not reach ${this.connectorName}: ${why}`, {
      provider: { ...evidence, error: why },
      cause: err,
    });
  }

  /** One request with the account's credentials, recorded as a step. */
  private async attempt(
    req: ProviderRequest,
    a: Attempt,
    signal: Lifetime,
    streaming: boolean,
  ): Promise<{ res: Dispatcher.ResponseData; target: URL }> {
    this.checkUrl(a.url);
    const d = derived(this.target);
    const auth = d.injection;
    if (auth instanceof AppError) throw auth;
    if (d.statics instanceof AppError) throw d.statics;
    let target = a.url;
    const query = Object.entries(auth.query);
    if (query.length) {
      target = new URL(a.url);
      for (const [k, v] of query) target.searchParams.set(k, v);
    }
    // Fixed headers first, then the caller's (never a credential header), then the credentials.
    const headers: Record<string, string> = { ...d.statics };
    if (req.headers)
      for (const k in req.headers) {
        const lower = k.toLowerCase();
        if (!d.sensitiveHeaders.has(lower)) headers[lower] = req.headers[k]!;
      }
    Object.assign(headers, auth.headers);
    const step = openStep(d, a.method, target, headers, a.body);
    this.steps.push(step);
    const remaining = this.remaining();
    if (remaining <= 0) throw this.timeout(target);
    try {
      const pending = this.deps.http.request({
        origin: target.origin,
        path: target.pathname + target.search,
        method: a.method as Dispatcher.HttpMethod,
        headers,
        body: a.body,
        signal,
        headersTimeout: Math.ceil(remaining),
        bodyTimeout: streaming ? STREAM_IDLE_MS : Math.ceil(remaining),
      });
      const res = await beforeDeadline(pending, signal);
      closeStep(step, res);
      return { res, target };
    } catch (err) {
      closeStep(step, null, errCode(err) ?? (err as Error).name);
      throw err;
    }
  }

  /**
   * Follows a redirect when it stays on a host the connector owns (true: go again); a redirect
   * elsewhere is refused, so the credentials never follow it. False: hand the 3xx to the caller.
   */
  private async redirect(
    res: Dispatcher.ResponseData,
    from: URL,
    a: Attempt,
    replayable: boolean,
  ): Promise<boolean> {
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
    if (
      !ownsUrl(this.target, next.href) ||
      urlPolicyViolation(next.href, this.deps.settings.allowPrivateNetwork)
    ) {
      throw new AppError(
        'PROVIDER_BAD_RESPONSE',
        `${this.connectorName} redirected to ${next.host}, a host the connector does not own: not followed`,
        {
          provider: { status: res.statusCode, url: from.origin + from.pathname },
        },
      );
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
  private async exchange(
    req: ProviderRequest,
    first: URL,
    signal: Lifetime,
    streaming: boolean,
  ): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
    const body: UpstreamBody = req.body ?? null;
    const replayable = body === null || typeof body === 'string' || Buffer.isBuffer(body);
    const a: Attempt = {
      method: req.method.toUpperCase(),
      body,
      url: first,
      fromTarget: true,
      refreshed: false,
      count: 0,
      redirects: 0,
    };
    for (;;) {
      a.count++;
      let sent: { res: Dispatcher.ResponseData; target: URL };
      try {
        sent = await this.attempt(req, a, signal, streaming);
      } catch (err) {
        const wait = backoffMs(a.count, this.deps.timers.random);
        const retry =
          replayable &&
          IDEMPOTENT.has(a.method) &&
          RETRIED_SOCKET_ERRORS.has(errCode(err) ?? '') &&
          a.count < MAX_ATTEMPTS;
        if (!retry || wait >= this.remaining()) throw err;
        await this.deps.timers.sleep(wait);
        continue;
      }
      const { res, target } = sent;
      const status = res.statusCode;
      if (status === 401 && !a.refreshed && replayable && this.target.connector.auth.type === 'oauth2') {
        await res.body.dump();
        a.refreshed = true;
        const rejected = this.target.credentials.access_token;
        this.target = await hotCache(this.deps).accountTarget(this.scope, this.target.account.id, {
          forceRefresh: true,
          ...(typeof rejected === 'string' ? { rejectedToken: rejected } : {}),
        });
        if (a.fromTarget) a.url = req.url(this.target);
        continue;
      }
      const rule = rateLimitRuleFor(rateLimitRules(this.target.connector.rate_limit), status, res.headers);
      const limited = rule !== null;
      if (
        replayable &&
        a.count < MAX_ATTEMPTS &&
        (limited || (RETRIED_5XX.has(status) && IDEMPOTENT.has(a.method)))
      ) {
        const wait =
          (rule ? rateLimitWaitMs(rule, res.headers, this.deps.clock()) : null) ??
          backoffMs(a.count, this.deps.timers.random);
        // A wait past the lifetime is not waited for: the caller gets the 429 and its Retry-After.
        if (wait < this.remaining()) {
          await res.body.dump();
          await this.deps.timers.sleep(wait);
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
export async function openSession(
  deps: Deps,
  scope: ProjectScope,
  accountId: string,
): Promise<ProviderSession> {
  return new ProviderSession(deps, scope, await hotCache(deps).accountTarget(scope, accountId));
}
