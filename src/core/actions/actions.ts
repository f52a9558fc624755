import type { Deps } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import type { AccountTarget } from '../credentials/open.js';
import type { Connector } from '../../connectors/schema.js';
import { pick } from '../../connectors/json-path.js';
import { NEXT_INPUT, type Action } from '../../connectors/action-schema.js';
import { render, TemplateError, type TemplateContext } from '../../connectors/templating.js';
import { templateContext } from '../connector-profiles/target.js';
import { validateActionInput, type InputValues } from './inputs.js';
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
  const base = baseUrlOf(deps, t);
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

/** The JSON body: a leaf that is exactly `${input.x}` becomes the typed value (left out when absent). */
function renderBody(value: unknown, ctx: TemplateContext, input: InputValues): unknown {
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
  if (Array.isArray(value)) return value.map((v) => renderBody(v, ctx, input)).filter((v) => v !== undefined);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = renderBody(v, ctx, input);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

/** Paging cursors are sealed: a caller cannot turn one into a request to any other path. */
function sealCursor(deps: Deps, actionId: string, accountId: string, url: string): string {
  return deps.vault.seal(JSON.stringify({ a: actionId, acc: accountId, u: url }));
}

function openCursor(deps: Deps, cursor: string, actionId: string, accountId: string): string {
  try {
    const c = JSON.parse(deps.vault.open(cursor)) as { a?: unknown; acc?: unknown; u?: unknown };
    if (c.a === actionId && c.acc === accountId && typeof c.u === 'string') return c.u;
  } catch {
    // fall through: any failure means the cursor is not ours
  }
  throw invalidInput(`${NEXT_INPUT}: not a cursor from a previous page of ${actionId} on this account`, {
    field: NEXT_INPUT,
  });
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

/**
 * Runs an action on a linked account: validates the input against the action's schema, renders
 * its request, calls the provider through the session (retries, refresh, lifetime) and maps the
 * answer to `{data, next}`. A given `next` cursor fetches that page instead.
 */
export async function runAction(
  deps: Deps,
  session: ProviderSession,
  action: Action,
  rawInput: Record<string, unknown>,
): Promise<ActionResult> {
  const input = validateActionInput(action, rawInput);
  const accountId = session.target.account.id;
  const cursor =
    typeof input[NEXT_INPUT] === 'string' && action.result.next
      ? openCursor(deps, input[NEXT_INPUT] as string, action.id, accountId)
      : null;
  const body = cursor
    ? undefined
    : action.request.body
      ? renderBody(action.request.body, actionContext(session.target, input), input)
      : undefined;
  const res = await session.send({
    method: cursor ? 'GET' : action.request.method,
    url: (t) => {
      if (!cursor) return actionUrl(deps, t, action, input);
      const base = new URL(baseUrlOf(deps, t));
      const next = new URL(cursor, base);
      if (next.origin !== base.origin)
        throw invalidInput(`${NEXT_INPUT}: the next page is not on the provider's host`, {
          field: NEXT_INPUT,
        });
      return next;
    },
    headers: {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (res.status < 200 || res.status >= 300) throw providerFailure(session, res);
  let parsed: unknown = null;
  if (res.body.length) {
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new AppError(
        'PROVIDER_BAD_RESPONSE',
        `${session.connectorName} answered ${action.id} with a body that is not JSON`,
      );
    }
  }
  let data = pick(parsed, action.result.data);
  if (action.result.fields) {
    const fields = action.result.fields;
    data = Array.isArray(data)
      ? data.map((d) => mapItem(d, fields))
      : isObject(data)
        ? mapItem(data, fields)
        : data;
  }
  const nextUrl = action.result.next ? pick(parsed, action.result.next) : null;
  return {
    data: asObjects(data, action.result.next !== undefined),
    next: typeof nextUrl === 'string' && nextUrl ? sealCursor(deps, action.id, accountId, nextUrl) : null,
  };
}
