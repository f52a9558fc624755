import type { Deps } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import type { AccountTarget } from '../credentials/open.js';
import type { Connector } from '../../connectors/schema.js';
import { pick } from '../../connectors/json-path.js';
import { NEXT_INPUT, type Action, type Paging } from '../../connectors/action-schema.js';
import { render, TemplateError, type TemplateContext } from '../../connectors/templating.js';
import { ownsUrl, resolveUrl, templateContext } from '../connector-profiles/target.js';
import { validateActionInput, type InputValues } from './inputs.js';
import {
  firstValue,
  formEncode,
  nextPage,
  openCursor,
  pagesByUrl,
  pagingOf,
  sealCursor,
  setBodyKey,
  type PageValue,
} from './paging.js';
import { baseUrlOf, type ProviderSession } from '../provider-calls/session.js';
import { providerFailure } from '../provider-calls/proxy.js';
import type { RpcBody } from '../../contract/provider-calls.js';

/** `ActionsRpcRequestDto`: inputs may come in `path`, `query` or `body`; `headers` carries `x-account-id`. */

export interface ActionResult {
  data: Record<string, unknown> | Array<Record<string, unknown>>;
  next: string | null;
}

/** The connector and definition of an action id, wherever it is declared. */
export function findAction(deps: Deps, id: string): { connector: Connector; action: Action } | null {
  for (const connector of deps.connectors.list()) {
    const action = connector.actions.find((a) => a.id === id);
    if (action) return { connector, action };
  }
  return null;
}

/** The actions a profile allows: all of the connector's when `enabled_actions` is null. */
export function enabledActions(connector: Connector, enabled: string[] | null): Action[] {
  return enabled === null ? connector.actions : connector.actions.filter((a) => enabled.includes(a.id));
}

/** The action an account may run, or the 4xx that says why not. */
export function actionForAccount(deps: Deps, t: AccountTarget, id: string): Action {
  const found = findAction(deps, id);
  if (!found) throw new AppError('ACTION_NOT_FOUND', `Action ${id} not found`);
  if (found.connector.key !== t.connector.key) {
    throw invalidInput(
      `Action ${id} is a ${found.connector.name} action; account ${t.account.id} is linked to ${t.connector.name}`,
      { field: 'action' },
    );
  }
  if (!enabledActions(t.connector, t.enabledActions).includes(found.action)) {
    throw new AppError(
      'ACTION_NOT_ENABLED',
      `Action ${id} is not enabled on the account's connector profile (enabled_actions)`,
    );
  }
  return found.action;
}

/** One flat input from the RPC's `path`, `query` and `body` objects; a key given twice must agree. */
export function rpcInput(body: RpcBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of [body.body, body.query, body.path]) {
    for (const [k, v] of Object.entries(part ?? {})) {
      if (v === null || v === undefined) continue;
      if (k in out && JSON.stringify(out[k]) !== JSON.stringify(v))
        throw invalidInput(`${k} is given twice with different values`, { field: k });
      out[k] = v;
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A path value: percent-encoded, and never a dot segment that would climb out of the path. */
function pathSegment(v: string): string {
  const encoded = encodeURIComponent(v);
  if (encoded === '.' || encoded === '..') throw invalidInput(`"${v}" is not a valid identifier`);
  return encoded;
}

function actionContext(t: AccountTarget, input: InputValues): TemplateContext {
  // `input` is a scope of its own beside config/setup/env; credentials are never rendered here.
  return { ...templateContext(t), credentials: {}, input } as TemplateContext;
}

function actionUrl(deps: Deps, t: AccountTarget, action: Action, input: InputValues): URL {
  const base = action.request.base_url
    ? resolveUrl(deps, t, `actions.${action.id}.base_url`)
    : baseUrlOf(deps, t);
  const ctx = actionContext(t, input);
  const url = new URL(base + render(action.request.path, ctx, pathSegment));
  if (url.origin !== new URL(base).origin)
    throw new AppError('HOST_NOT_OWNED', 'action path left the provider host');
  for (const [key, template] of Object.entries(action.request.query)) {
    try {
      url.searchParams.set(key, render(template, ctx));
    } catch (err) {
      // A query entry whose optional inputs were not given is left out.
      if (!(err instanceof TemplateError)) throw err;
    }
  }
  return url;
}

/**
 * The JSON body: a leaf that is exactly `${input.x}` becomes the typed value (left out when
 * absent). A nested object whose every member was left out goes too, so an optional group of
 * inputs (Personio's `end: {date_time}`) is not sent as `{}`; the body itself stays an object.
 */
export function renderBody(
  value: unknown,
  ctx: TemplateContext,
  input: InputValues,
  nested = false,
): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{input\.([a-z][a-z0-9_]*)\}$/.exec(value);
    if (whole) return input[whole[1]!];
    try {
      return render(value, ctx);
    } catch (err) {
      if (err instanceof TemplateError) return undefined;
      throw err;
    }
  }
  if (Array.isArray(value))
    return value.map((v) => renderBody(v, ctx, input, true)).filter((v) => v !== undefined);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = renderBody(v, ctx, input, true);
      if (r !== undefined) out[k] = r;
    }
    const emptied = nested && Object.keys(out).length === 0 && Object.keys(value).length > 0;
    return emptied ? undefined : out;
  }
  return value;
}

function mapItem(item: unknown, fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, path] of Object.entries(fields)) {
    const v = pick(item, path);
    if (key === '*') {
      if (isObject(v)) Object.assign(out, v);
    } else out[key] = v ?? null;
  }
  return out;
}

/** The SDK needs `data` as an object or an array of objects; anything else is wrapped. */
function asObjects(data: unknown, list: boolean): ActionResult['data'] {
  const wrap = (v: unknown): Record<string, unknown> => (isObject(v) ? v : { value: v ?? null });
  if (Array.isArray(data)) return data.map(wrap);
  if (data === undefined || data === null) return list ? [] : {};
  return wrap(data);
}

const badCursor = (actionId: string) =>
  invalidInput(`${NEXT_INPUT}: not a cursor from a previous page of ${actionId} on this account`, {
    field: NEXT_INPUT,
  });

/**
 * The next page's URL: on the base URL's origin, or on another HTTPS host the connector owns
 * (Front hands out next links on the company's own host). Anything else is refused, so a
 * provider's answer cannot send the account's credentials elsewhere.
 */
function nextPageUrl(deps: Deps, t: AccountTarget, cursorUrl: string): URL {
  const base = new URL(baseUrlOf(deps, t));
  const next = new URL(cursorUrl, base);
  if (next.origin !== base.origin && !ownsUrl(t, next.href))
    throw invalidInput(`${NEXT_INPUT}: the next page is not on the provider's host`, { field: NEXT_INPUT });
  return next;
}

interface PlannedRequest {
  method: string;
  url: (t: AccountTarget) => URL;
  body: string | null;
  contentType: string | null;
}

/** The action's own request for an input, with the paging value (when there is one) in its place. */
function plannedRequest(
  deps: Deps,
  session: ProviderSession,
  action: Action,
  input: InputValues,
  paging: Paging | null,
  value: PageValue | undefined,
): PlannedRequest {
  const where = paging && !pagesByUrl(paging) && value !== undefined ? paging : null;
  // `input`: the paging value is that input's value, wherever the templates put it.
  if (where?.input) input = { ...input, [where.input]: value! };
  let body = action.request.body
    ? (renderBody(action.request.body, actionContext(session.target, input), input) as Record<
        string,
        unknown
      >)
    : undefined;
  if (where?.body_key) body = setBodyKey(body, where.body_key, value!);
  const form = action.request.body_format === 'form';
  return {
    method: action.request.method,
    url: (t) => {
      const url = actionUrl(deps, t, action, input);
      if (where?.param) url.searchParams.set(where.param, String(value));
      return url;
    },
    body: body === undefined ? null : form ? formEncode(body) : JSON.stringify(body),
    contentType: body === undefined ? null : form ? 'application/x-www-form-urlencoded' : 'application/json',
  };
}

/** The request for this call: the first page, a next-page URL, or the first request with a new value. */
function requestFor(
  deps: Deps,
  session: ProviderSession,
  action: Action,
  given: InputValues,
  paging: Paging | null,
): { req: PlannedRequest; input: InputValues; value: PageValue | undefined } {
  const raw = given[NEXT_INPUT];
  const { [NEXT_INPUT]: _cursor, ...input } = given;
  if (!paging || typeof raw !== 'string') {
    const value = paging ? firstValue(paging) : undefined;
    return { req: plannedRequest(deps, session, action, input, paging, value), input, value };
  }
  const opened = openCursor(deps.vault, raw, paging, action.id, session.target.account.id);
  if (!opened) throw badCursor(action.id);
  if ('url' in opened) {
    const req = { method: 'GET', url: (t: AccountTarget) => nextPageUrl(deps, t, opened.url), body: null };
    return { req: { ...req, contentType: null }, input, value: undefined };
  }
  const req = plannedRequest(deps, session, action, opened.input, paging, opened.value);
  return { req, input: opened.input, value: opened.value };
}

function parseBody(session: ProviderSession, action: Action, body: Buffer): unknown {
  if (!body.length) return null;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError(
      'PROVIDER_BAD_RESPONSE',
      `${session.connectorName} answered ${action.id} with a body that is not JSON`,
    );
  }
}

/**
 * Runs an action on a linked account: validates the input against the action's schema, renders
 * its request, calls the provider through the session (retries, refresh, lifetime) and maps the
 * answer to `{data, next}`. A given `next` cursor fetches that page instead: its URL, or the first
 * call's request again with the cursor, page or offset the cursor holds.
 */
export async function runAction(
  deps: Deps,
  session: ProviderSession,
  action: Action,
  rawInput: Record<string, unknown>,
): Promise<ActionResult> {
  const paging = pagingOf(action);
  const { req, input, value } = requestFor(
    deps,
    session,
    action,
    validateActionInput(action, rawInput),
    paging,
  );
  const res = await session.send({
    method: req.method,
    url: req.url,
    headers: { accept: 'application/json', ...(req.contentType ? { 'content-type': req.contentType } : {}) },
    body: req.body,
  });
  if (res.status < 200 || res.status >= 300) throw providerFailure(session, res);
  const parsed = parseBody(session, action, res.body);
  const items = pick(parsed, action.result.data);
  let data = items;
  if (action.result.fields) {
    const fields = action.result.fields;
    data = Array.isArray(data)
      ? data.map((d) => mapItem(d, fields))
      : isObject(data)
        ? mapItem(data, fields)
        : data;
  }
  let next = paging ? nextPage(paging, { body: parsed, link: res.headers.link, items }, input, value) : null;
  // A Link header's URI is relative to the response it came with (RFC 8288 §3.2).
  if (next && 'url' in next && paging?.type === 'link_header')
    next = { url: new URL(next.url, res.url).href };
  return {
    data: asObjects(data, paging !== null),
    next: next ? sealCursor(deps.vault, action.id, session.target.account.id, next, input) : null,
  };
}
