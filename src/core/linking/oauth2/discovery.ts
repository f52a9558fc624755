// Post-auth discovery (`auth.post_auth`): calls made with a freshly issued token, before the test
// action, that find values the API needs beside the token (a cloud id, a tenant id) and keep them
// with the credentials, where templates read them as `${credentials.name}`.
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { PostAuthStep } from '../../../connectors/grants-schema.js';
import { pick, selectAll } from '../../../connectors/json-path.js';
import { render, renderUrl, TemplateError } from '../../../connectors/templating.js';
import { urlValueKind } from '../../../connectors/url-values.js';
import { urlPolicyViolation } from '../../network-policy.js';
import {
  excerpt,
  ownsUrl,
  parseJson,
  PROVIDER_TIMEOUT_MS,
  providerMessage,
  resolveUrl,
  templateContext,
  type ProviderTarget,
} from '../../connector-profiles/target.js';

/** A step whose answer held several candidates and no `label`: the first was linked. */
export interface DiscoveryChoice {
  step: number;
  candidates: number;
}

/** One candidate the end user may choose: its name and the values it would keep. */
export interface DiscoveryOption {
  label: string;
  values: Record<string, string>;
}

export interface Discovered {
  /** Picked values, by name, to store with the credentials. */
  values: Record<string, string>;
  choices: DiscoveryChoice[];
  /**
   * A step with a `label` found several candidates: the end user chooses one, and discovery goes
   * on from the next step with its values (`values` holds what the earlier steps picked).
   */
  ask?: { step: number; options: DiscoveryOption[] };
}

/** Most candidates offered to the end user; a longer list is cut (the rest are not linkable here). */
export const MAX_OPTIONS = 50;

/** The candidates of an answer, as `select` says: `first`, a JSONPath, or the list (or the one item). */
export function candidatesOf(body: unknown, select: PostAuthStep['select']): unknown[] {
  if (select === 'first') return Array.isArray(body) ? body.slice(0, 1) : body === undefined ? [] : [body];
  if (select !== undefined) return selectAll(body, select);
  if (Array.isArray(body)) return body;
  return body === undefined || body === null ? [] : [body];
}

/** The picked values of one candidate, as text; a missing or non-scalar value names its path. */
export function pickValues(
  item: unknown,
  paths: Record<string, string>,
): { values: Record<string, string> } | { missing: string } {
  const values: Record<string, string> = {};
  for (const [name, path] of Object.entries(paths)) {
    const v = pick(item, path);
    if (typeof v === 'string' && v !== '') values[name] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') values[name] = String(v);
    else return { missing: `${name} (${path})` };
  }
  return { values };
}

/** The step's URL, rendered with the new credentials and refused unless the connector owns its host. */
function stepUrl(deps: Deps, target: ProviderTarget, step: PostAuthStep): URL {
  const name = target.connector.name;
  let url: string;
  try {
    const rendered = renderUrl(step.request.url, templateContext(target), (n) =>
      urlValueKind(target.connector, n),
    );
    // A path is on the API's origin (the profile's base URL override when it has one).
    url = rendered.startsWith('/')
      ? new URL(resolveUrl(deps, target, 'base_url')).origin + rendered
      : rendered;
  } catch (err) {
    if (err instanceof TemplateError)
      throw new AppError('PROFILE_MISCONFIGURED', `${name} post_auth URL: ${err.message}`);
    throw err;
  }
  const problem = urlPolicyViolation(url, deps.settings.allowPrivateNetwork);
  if (problem) throw new AppError('URL_NOT_ALLOWED', `${name} post_auth URL ${problem}`);
  if (!ownsUrl(target, url))
    throw new AppError('HOST_NOT_OWNED', `${name} post_auth URL points at a host the connector does not own`);
  return new URL(url);
}

/**
 * The connector's `inject` headers and query whose values are known now: one that names a value a
 * later step (or this one) finds, such as a tenant header, is left off the discovery call.
 */
function knownInjection(target: ProviderTarget): {
  headers: Record<string, string>;
  query: Record<string, string>;
} {
  const ctx = templateContext(target);
  const known = (entries: Record<string, string>, lower: boolean) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(entries)) {
      try {
        out[lower ? k.toLowerCase() : k] = render(v, ctx);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
      }
    }
    return out;
  };
  return {
    headers: known(target.connector.inject.headers, true),
    query: known(target.connector.inject.query, false),
  };
}

/** One discovery call: the parsed JSON answer, or an `AppError` in plain words. */
async function callStep(deps: Deps, target: ProviderTarget, step: PostAuthStep): Promise<unknown> {
  const name = target.connector.name;
  const url = stepUrl(deps, target, step);
  const ctx = templateContext(target);
  const { headers, query } = knownInjection(target);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  let extra: Record<string, string>;
  try {
    extra = Object.fromEntries(
      Object.entries(step.request.headers).map(([k, v]) => [k.toLowerCase(), render(v, ctx)]),
    );
  } catch (err) {
    if (err instanceof TemplateError)
      throw new AppError('PROFILE_MISCONFIGURED', `${name} post_auth headers: ${err.message}`);
    throw err;
  }
  const where = url.origin + url.pathname;
  let res: Response;
  try {
    res = await deps.fetch(url, {
      method: step.request.method,
      headers: { accept: 'application/json', ...extra, ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
  } catch (err) {
    const why = (err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed';
    throw new AppError('CREDENTIALS_UNCHECKED', `Could not reach ${name} to look up the account: ${why}`, {
      provider: { url: where, error: why },
      cause: err,
    });
  }
  const text = await res.text().catch(() => '');
  const body = parseJson(text);
  if (res.ok && body !== undefined) return body;
  const said = res.ok
    ? 'the answer is not JSON'
    : providerMessage(target.connector, body, `HTTP ${res.status}`, res.headers);
  throw new AppError('CREDENTIALS_REJECTED', `${name} did not tell which account to link: ${said}`, {
    provider: {
      status: res.status,
      url: where,
      error: said,
      body_excerpt: excerpt(text, [...Object.values(target.config), ...Object.values(headers)]),
    },
  });
}

/**
 * Runs the connector's `post_auth` steps in order with the new credentials (each step sees the
 * values the earlier ones picked), from step `from` on with the values already found. Several
 * candidates: with a `label` and an end user to ask (`interactive`, the OAuth popup) the answer's
 * `ask` offers them; else the first is used and the choice recorded. Any failure throws an `AppError` with a plain message, before anything
 * is stored.
 */
export async function discover(
  deps: Deps,
  target: ProviderTarget,
  steps: PostAuthStep[],
  opts: { from?: number; values?: Record<string, string>; interactive?: boolean } = {},
): Promise<Discovered> {
  const found: Discovered = { values: { ...opts.values }, choices: [] };
  const name = target.connector.name;
  for (const [i, step] of steps.entries()) {
    if (i < (opts.from ?? 0)) continue;
    const current = { ...target, credentials: { ...target.credentials, ...found.values } };
    const candidates = candidatesOf(await callStep(deps, current, step), step.select);
    if (candidates.length === 0)
      throw new AppError('CREDENTIALS_REJECTED', `${name} has no account this sign-in can use`);
    if (candidates.length > 1 && step.label !== undefined && opts.interactive) {
      const options = optionsOf(candidates.slice(0, MAX_OPTIONS), step);
      if (options.length === 0)
        throw new AppError('CREDENTIALS_REJECTED', `${name} did not return the values of any account`);
      if (options.length > 1) return { ...found, ask: { step: i, options } };
      Object.assign(found.values, options[0]!.values);
      continue;
    }
    if (candidates.length > 1) found.choices.push({ step: i, candidates: candidates.length });
    const picked = pickValues(candidates[0], step.pick);
    if ('missing' in picked)
      throw new AppError('CREDENTIALS_REJECTED', `${name} did not return ${picked.missing} for the account`);
    Object.assign(found.values, picked.values);
  }
  return found;
}

/**
 * The candidates the end user can choose between, each with its name (or its position when the
 * provider gave none). A candidate missing a value it must keep cannot be linked and is left out.
 */
export function optionsOf(candidates: unknown[], step: PostAuthStep): DiscoveryOption[] {
  const options: DiscoveryOption[] = [];
  for (const [n, item] of candidates.entries()) {
    const picked = pickValues(item, step.pick);
    if ('missing' in picked) continue;
    const name = step.label === undefined ? undefined : pick(item, step.label);
    const label =
      typeof name === 'string' && name.trim() !== ''
        ? name.trim().slice(0, 200)
        : typeof name === 'number'
          ? String(name)
          : `#${n + 1}`;
    options.push({ label, values: picked.values });
  }
  return options;
}

/** The credentials with what discovery found; `post_auth_choices` records lists where the first was taken. */
export function withDiscovered<T extends Record<string, unknown>>(credentials: T, found: Discovered): T {
  return {
    ...credentials,
    ...found.values,
    ...(found.choices.length ? { post_auth_choices: found.choices } : {}),
  };
}
