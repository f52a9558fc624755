import type { Deps } from '../deps.js';
import { AppError, invalidInput, type ProviderEvidence } from '../errors.js';
import type { AccountTarget } from '../credentials/open.js';
import { ownsUrl, providerMessage } from '../connector-profiles/target.js';
import { urlPolicyViolation } from '../network-policy.js';
import {
  rateLimitRuleFor,
  rateLimitRules,
  rateLimitWaitMs,
  retryAfterSeconds,
} from '../../connectors/rate-limit.js';
import { baseUrlOf, type BufferedResponse, type ProviderResponse, type ProviderSession } from './session.js';
import { isTextual, looksLikeText, redactHeaders, redactText } from '../logs/request-logs/redact.js';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Connection-level headers, and those that would let a caller speak for the account or for us. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'expect',
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-account-id',
]);
const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'content-length',
  'set-cookie',
  'proxy-authenticate',
]);

const injectedByConnector = new WeakMap<AccountTarget['connector'], ReadonlySet<string>>();
/** The header names a connector puts credentials in (lower case). */
function injectedHeaders(c: AccountTarget['connector']): ReadonlySet<string> {
  let names = injectedByConnector.get(c);
  if (!names) {
    names = new Set(Object.keys(c.inject.headers).map((k) => k.toLowerCase()));
    injectedByConnector.set(c, names);
  }
  return names;
}

/**
 * Caller headers that may go to the provider. Credentials always come from the account: a
 * caller's `authorization` or any header the connector injects is dropped, never forwarded.
 */
export function forwardableHeaders(
  headers: Record<string, unknown>,
  t: AccountTarget,
  also: readonly string[] = [],
): Record<string, string> {
  const injected = injectedHeaders(t.connector);
  const out: Record<string, string> = {};
  for (const name in headers) {
    const raw = headers[name];
    if (raw === null || raw === undefined) continue;
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower) || injected.has(lower) || also.includes(lower)) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
    if (!HEADER_NAME.test(name))
      throw invalidInput(`headers: "${name}" is not a valid header name`, { field: 'headers' });
    if (/[\r\n\0]/.test(value))
      throw invalidInput(`headers.${name}: line breaks are not allowed in header values`, {
        field: `headers.${name}`,
      });
    out[lower] = value;
  }
  return out;
}

/** Upstream response headers a caller gets back: no connection headers, no provider cookies. */
export function returnableHeaders(headers: ProviderResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    if (v === undefined || NOT_RETURNED.has(name.toLowerCase())) continue;
    out[name.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * The caller's `url` (a base URL) must be on a host the connector owns: the account's
 * credentials go nowhere else.
 */
function callerBase(deps: Deps, t: AccountTarget, raw: string): string {
  const problem = urlPolicyViolation(raw, deps.settings.allowPrivateNetwork);
  if (problem) throw invalidInput(`url ${problem}`, { field: 'url' });
  const url = new URL(raw);
  if (!ownsUrl(t, url.href)) {
    throw invalidInput(
      `url: ${url.host} is not a ${t.connector.name} host; the proxy only sends the account's credentials to ${t.connector.name}`,
      { field: 'url' },
    );
  }
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * The provider URL of a proxied call: the connector's base URL (or the caller's `url`, if the
 * connector owns its host) followed by `path`. The path is appended as text and the result must
 * keep the base's origin, so `//evil.com`, `@evil.com` and the like stay on the provider.
 */
export function proxyUrl(
  deps: Deps,
  t: AccountTarget,
  input: { url?: string | null | undefined; path?: string | null | undefined },
): URL {
  const base = input.url ? callerBase(deps, t, input.url) : baseUrlOf(deps, t);
  let path = input.path ?? '';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path))
    throw invalidInput('path must be a path, not a URL: put a base URL in url', { field: 'path' });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f\\]/.test(path))
    throw invalidInput('path must not contain control characters or backslashes', { field: 'path' });
  if (path && !path.startsWith('/') && !path.startsWith('?')) path = `/${path}`;
  const baseUrl = parsedBase(base);
  if (baseUrl.search && path)
    throw invalidInput('url: put the query string in path, not in url', { field: 'url' });
  const full = new URL(`${base}${path}`);
  if (full.origin !== baseUrl.origin || full.username || full.password)
    throw invalidInput("path must stay on the provider's host", { field: 'path' });
  return full;
}

/** Base URLs are few (one per connector, profile override or instance): each is parsed once. */
const bases = new Map<string, { origin: string; search: string }>();
function parsedBase(base: string) {
  let parsed = bases.get(base);
  if (!parsed) {
    const url = new URL(base);
    parsed = { origin: url.origin, search: url.search };
    if (bases.size >= 1000) bases.clear();
    bases.set(base, parsed);
  }
  return parsed;
}

export function proxyMethod(raw: string | null | undefined): string {
  const m = (raw ?? 'get').toLowerCase();
  if (!(METHODS as readonly string[]).includes(m))
    throw invalidInput(`method must be one of ${METHODS.join(', ')}`, { field: 'method' });
  return m.toUpperCase();
}

/** The request body as bytes: JSON by default, a form when the caller says so, strings as they are. */
export function encodeProxyBody(
  method: string,
  body: unknown,
  headers: Record<string, string>,
): string | null {
  const empty =
    body === undefined ||
    body === null ||
    (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
  if (method === 'GET' || method === 'HEAD') {
    if (!empty) throw invalidInput(`a ${method} request cannot have a body`, { field: 'body' });
    return null;
  }
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    return body;
  }
  const ct = headers['content-type']?.toLowerCase() ?? '';
  if (
    ct.startsWith('application/x-www-form-urlencoded') &&
    typeof body === 'object' &&
    !Array.isArray(body)
  ) {
    return new URLSearchParams(
      Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ).toString();
  }
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(body);
}

/**
 * `{status, headers, data}` as JSON text: a JSON body goes in as the provider sent it (parsed
 * only to check it is JSON, never re-serialised), text as a string, binary as base64 with
 * `encoding: "base64"`.
 */
export function proxyEnvelope(res: BufferedResponse): string {
  const headers = returnableHeaders(res.headers);
  const ct = headers['content-type'];
  const head = `{"status":${res.status},"headers":${JSON.stringify(headers)},"data":`;
  if (res.body.length === 0) return `${head}null}`;
  if (/json/i.test(ct ?? '')) {
    const text = res.body.toString('utf8');
    try {
      JSON.parse(text);
      return `${head}${text}}`;
    } catch {
      return `${head}${JSON.stringify(text)}}`;
    }
  }
  if (isTextual(ct) || (!ct && looksLikeText(res.body)))
    return `${head}${JSON.stringify(res.body.toString('utf8'))}}`;
  return `${head}${JSON.stringify(res.body.toString('base64'))},"encoding":"base64"}`;
}

/** The status the SDK accepts for a provider success (it knows 200, 201, 202 and 204 only). */
export function successStatus(upstream: number): number {
  return upstream === 201 || upstream === 202 ? upstream : 200;
}

/**
 * A provider's refusal in the StackOne error shape, keeping the evidence (status, redacted body
 * and headers). Client errors keep their status, except 401 (the provider refused the account's
 * credentials, even after a refresh: 403, so it is not mistaken for a bad API key); the
 * provider's own failures and timeouts become 502.
 */
export function providerFailure(session: ProviderSession, res: BufferedResponse): AppError {
  const name = session.connectorName;
  const secrets = session.secrets();
  const text = redactText(res.body.toString('utf8'), secrets);
  let raw: unknown = text;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  }
  const said = redactText(
    providerMessage(session.target.connector, raw, `HTTP ${res.status}`, res.headers),
    secrets,
  );
  const passedOn = res.status >= 400 && res.status < 500 && res.status !== 407 && res.status !== 408;
  const message =
    res.status === 401
      ? `${name} refused the account's credentials: ${said}`
      : `${name} answered ${res.status}: ${said}`;
  const provider: ProviderEvidence = {
    status: res.status,
    url: res.url.origin + res.url.pathname,
    error: said,
    raw,
    headers: redactHeaders(returnableHeaders(res.headers), secrets),
  };
  const limit = rateLimitOf(session, res);
  if (limit) {
    provider.headers = { ...provider.headers, 'retry-after': limit };
    return new AppError('PROVIDER_REJECTED', message, { status: 429, provider });
  }
  if (res.status === 401) return new AppError('PROVIDER_CREDENTIALS_REFUSED', message, { provider });
  if (passedOn) return new AppError('PROVIDER_REJECTED', message, { status: res.status, provider });
  return new AppError('PROVIDER_ERROR', message, { provider });
}

/**
 * A rate-limited answer under the connector's rule (a 429, or e.g. GitHub's 403 with
 * `x-ratelimit-remaining: 0`): the wait as a Retry-After in seconds, or null when it is not one.
 * The caller gets 429 whatever the provider's status, with the wait in the standard header.
 */
function rateLimitOf(session: ProviderSession, res: BufferedResponse): string | null {
  const rule = rateLimitRuleFor(rateLimitRules(session.target.connector.rate_limit), res.status, res.headers);
  if (!rule) return null;
  const ms = rateLimitWaitMs(rule, res.headers, session.deps.clock());
  return ms === null ? (res.status === 429 ? null : '1') : retryAfterSeconds(ms);
}
