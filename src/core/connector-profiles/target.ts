import { pick } from '../../connectors/json-path.js';
import type { Deps } from '../deps.js';
import { AppError, type ProviderEvidence } from '../errors.js';
import type { Connector } from '../../connectors/schema.js';
import {
  placeholders,
  render,
  renderUrl,
  TemplateError,
  type TemplateContext,
} from '../../connectors/templating.js';
import { urlValueKind } from '../../connectors/url-values.js';
import { hostMatches, urlHost } from '../../connectors/hosts.js';
import { urlPolicyViolation } from '../network-policy.js';
import type { Overrides } from './profiles.js';

/** Everything needed to call a provider for one account (or an account being linked). */
export interface ProviderTarget {
  connector: Connector;
  environment: string;
  overrides: Overrides;
  /** End-user config values (secret ones included), profile setup values, tokens. */
  config: Record<string, string>;
  setup: Record<string, string>;
  credentials: Record<string, unknown>;
}

export const PROVIDER_TIMEOUT_MS = 10_000;

export function templateContext(t: ProviderTarget): TemplateContext {
  const env = t.connector.environments.find((e) => e.key === t.environment)?.values ?? {};
  return { config: t.config, setup: t.setup, credentials: t.credentials, env };
}

/** Hosts a connector's credentials may travel to: its declared hosts plus the profile's override hosts. */
export function ownsUrl(t: Pick<ProviderTarget, 'connector' | 'overrides'>, url: string): boolean {
  const host = urlHost(url);
  if (!host) return false;
  const overrideHosts = Object.values(t.overrides)
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .map((v) => urlHost(v));
  if (overrideHosts.includes(host)) return true;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' && t.connector.hosts.some((p) => hostMatches(parsed.hostname, p));
}

/** The URLs of a connector that `resolveUrl` renders. */
export type ConnectorUrl =
  | 'base_url'
  | 'authorization_url'
  | 'token_url'
  | 'revoke_url'
  | 'refresh_url'
  | 'test_action.base_url'
  | `actions.${string}.base_url`;

/** An action's own base URL (`request.base_url`) by its name `actions.<id>.base_url`. */
function actionBaseTemplate(c: Connector, which: string): string | undefined {
  const m = /^actions\.(.+)\.base_url$/.exec(which);
  return m ? c.actions.find((a) => a.id === m[1])?.request.base_url : undefined;
}

/** The template of one of the connector's URLs, or undefined when the connector has none. */
function urlTemplate(c: Connector, which: ConnectorUrl): string | undefined {
  if (which === 'base_url') return c.base_url;
  if (which === 'test_action.base_url') return c.test_action.base_url;
  if (which.startsWith('actions.')) return actionBaseTemplate(c, which);
  if (c.auth.type !== 'oauth2') return undefined;
  if (which === 'revoke_url') return c.auth.revoke_url;
  if (which === 'refresh_url') return c.auth.refresh_url;
  return c.auth[which as 'authorization_url' | 'token_url'];
}

/** The profile's override of a URL: `refresh_url` follows a `token_url` override (a sandbox's token host). */
function urlOverride(t: ProviderTarget, which: ConnectorUrl): string | null | undefined {
  if (which === 'test_action.base_url' || which.startsWith('actions.')) return undefined;
  if (which === 'refresh_url') return t.overrides.token_url;
  return t.overrides[which as 'base_url' | 'authorization_url' | 'token_url' | 'revoke_url'];
}

/**
 * Renders one of the connector's URLs (or the profile's override of it) and checks that the
 * result is a host the connector owns and that the private-network rule allows.
 */
export function resolveUrl(deps: Deps, t: ProviderTarget, which: ConnectorUrl): string {
  const override = urlOverride(t, which);
  const template = urlTemplate(t.connector, which);
  if (!override && !template)
    throw new AppError('PROFILE_MISCONFIGURED', `${t.connector.name} has no ${which}`);
  // Each placeholder renders as the kind the connector declares (origin, DNS label or segment).
  let url: string;
  try {
    url = override
      ? override
      : renderUrl(template!, templateContext(t), (name) => urlValueKind(t.connector, name));
  } catch (err) {
    if (err instanceof TemplateError)
      throw new AppError('PROFILE_MISCONFIGURED', `${t.connector.name} ${which}: ${err.message}`);
    throw err;
  }
  const problem = urlPolicyViolation(url, deps.settings.allowPrivateNetwork);
  if (problem) throw new AppError('URL_NOT_ALLOWED', `${t.connector.name} ${which} ${problem}`);
  if (!ownsUrl(t, url))
    throw new AppError(
      'HOST_NOT_OWNED',
      `${t.connector.name} ${which} points at a host the connector does not own`,
    );
  return url.replace(/\/+$/, '');
}

/** The value of an `Authorization: Basic` header for `username:password` (RFC 7617, UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * The headers and query parameters that carry the account's credentials: `inject.headers`,
 * `inject.query` and, when declared, `inject.basic` as `authorization` (header names lowercase).
 */
export function authInjection(t: ProviderTarget): {
  headers: Record<string, string>;
  query: Record<string, string>;
} {
  const ctx = templateContext(t);
  const headers = Object.fromEntries(
    Object.entries(t.connector.inject.headers).map(([k, v]) => [k.toLowerCase(), render(v, ctx)]),
  );
  const basic = t.connector.inject.basic;
  if (basic)
    headers.authorization = basicAuthorization(render(basic.username, ctx), render(basic.password, ctx));
  const query = Object.fromEntries(
    Object.entries(t.connector.inject.query).map(([k, v]) => [k, render(v, ctx)]),
  );
  return { headers, query };
}

/** The lowercase names of the headers that carry credentials (a caller may never set them). */
export function credentialHeaderNames(c: Connector): Set<string> {
  const names = new Set(Object.keys(c.inject.headers).map((k) => k.toLowerCase()));
  if (c.inject.basic) names.add('authorization');
  return names;
}

/**
 * Renders a fixed header, or null when it names an optional field left empty (Stripe's
 * `Stripe-Account` without a connected account): such a header is left out. Any other missing
 * value is the profile's problem and throws.
 */
export function fixedHeaderValue(c: Connector, template: string, ctx: TemplateContext): string | null {
  try {
    return render(template, ctx);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const fields = [
      ...c.config_fields.map((f) => ({ name: `config.${f.key}`, required: f.required })),
      ...c.setup_fields.map((f) => ({ name: `setup.${f.key}`, required: f.required })),
    ];
    const names = placeholders(template);
    if (names.some((n) => fields.some((f) => f.name === n && !f.required))) return null;
    throw err;
  }
}

/** The connector's fixed, non-credential headers (`headers`), rendered, names lowercase. */
export function staticHeaders(t: ProviderTarget): Record<string, string> {
  const ctx = templateContext(t);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.connector.headers)) {
    const value = fixedHeaderValue(t.connector, v, ctx);
    if (value !== null) out[k.toLowerCase()] = value;
  }
  return out;
}

/**
 * The provider's own words for an error: the connector's `error_message_header` when the answer
 * carries it, else tried along its error paths in the body.
 */
export function providerMessage(
  connector: Connector,
  body: unknown,
  fallback: string,
  headers?: Headers | Record<string, string | string[] | undefined>,
): string {
  const name = connector.error_message_header?.toLowerCase();
  if (name && headers) {
    const raw = headers instanceof Headers ? headers.get(name) : headers[name];
    const v = Array.isArray(raw) ? raw.join(', ') : raw;
    if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 500);
  }
  for (const path of connector.error_message_paths) {
    const v = pick(body, path);
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return fallback;
}

/** A connector's friendlier message for a provider error, if one of its translations matches. */
export function translateProviderError(
  connector: Connector,
  ...texts: Array<string | undefined>
): string | undefined {
  const haystack = texts.filter(Boolean).join(' ').toLowerCase();
  return connector.error_translations.find((t) => haystack.includes(t.match.toLowerCase()))?.message;
}

/** A short excerpt of a provider body with any known secret cut out. */
export function excerpt(text: string, secrets: string[] = []): string {
  let out = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join('[redacted]');
  return out;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The test action's request: its URL (on `test_action.base_url` or `base_url`) and what it sends. */
function testRequest(deps: Deps, t: ProviderTarget): { url: URL; init: RequestInit; secrets: string[] } {
  const action = t.connector.test_action;
  const base = resolveUrl(deps, t, action.base_url ? 'test_action.base_url' : 'base_url');
  const { headers, query } = authInjection(t);
  const url = new URL(base + action.path);
  for (const [k, v] of Object.entries({ ...action.query, ...query })) url.searchParams.set(k, v);
  if (!ownsUrl(t, url.toString()))
    throw new AppError('HOST_NOT_OWNED', 'test action URL is outside the connector');
  const sent: Record<string, string> = { accept: 'application/json', ...staticHeaders(t), ...headers };
  if (action.body !== undefined) sent['content-type'] = 'application/json';
  return {
    url,
    init: {
      method: action.method,
      headers: sent,
      ...(action.body !== undefined ? { body: JSON.stringify(action.body) } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    },
    secrets: [...Object.values(t.config), ...Object.values(headers)],
  };
}

/** Why a 2xx answer still fails the test action's `expect` rule (in the provider's words when it has them), or null. */
function expectationFailure(connector: Connector, text: string): string | null {
  const rule = connector.test_action.expect;
  if (!rule) return null;
  const body = parseJson(text);
  if (pick(body, rule.path) === rule.equals) return null;
  return providerMessage(connector, body, `the answer's ${rule.path} is not ${JSON.stringify(rule.equals)}`);
}

/**
 * Runs the connector's test action: the account is only created when the provider answers 2xx
 * (and the body meets `test_action.expect`, when the connector declares it). A refusal becomes a
 * 400 carrying the provider's message and a redacted excerpt.
 */
export async function runTestAction(deps: Deps, t: ProviderTarget): Promise<void> {
  const { url, init, secrets } = testRequest(deps, t);
  let res: Response;
  const started = performance.now();
  try {
    res = await deps.fetch(url, init);
  } catch (err) {
    const why = (err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed';
    throw new AppError('CREDENTIALS_UNCHECKED', `Could not reach ${t.connector.name}: ${why}`, {
      provider: { url: url.origin + url.pathname, error: why },
      cause: err,
    });
  }
  const text = await res.text().catch(() => '');
  deps.metrics.providerDuration.observe(
    { provider: t.connector.key, status: String(res.status) },
    (performance.now() - started) / 1000,
  );
  const unmet = res.ok ? expectationFailure(t.connector, text) : null;
  if (res.ok && unmet === null) return;
  const said = unmet ?? providerMessage(t.connector, parseJson(text), `HTTP ${res.status}`, res.headers);
  const evidence: ProviderEvidence = {
    status: res.status,
    url: url.origin + url.pathname,
    error: said,
    body_excerpt: excerpt(text, secrets),
  };
  const message =
    translateProviderError(t.connector, said, text) ??
    `${t.connector.name} rejected the credentials: ${said}`;
  throw new AppError('CREDENTIALS_REJECTED', message, { provider: evidence });
}
