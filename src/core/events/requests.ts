// The provider calls connector events make: a subscription's create and delete, a hydration.
// They go through the account's provider session (refresh, retries, rate limits, owned hosts).
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { pick } from '../../connectors/json-path.js';
import { render, type TemplateContext } from '../../connectors/templating.js';
import type { EventRequest } from '../../connectors/events-schema.js';
import { templateContext } from '../connector-profiles/target.js';
import { baseUrlOf, type ProviderSession } from '../provider-calls/session.js';
import { providerFailure } from '../provider-calls/proxy.js';

const EVENT_VALUE = /\$\{event\.([A-Za-z0-9_.]+)\}/g;

function valueText(values: Record<string, unknown>, path: string): string {
  const v = pick(values, path);
  if (v === undefined || v === null || v === '')
    throw new AppError('PROFILE_MISCONFIGURED', `event request: no value for \${event.${path}}`);
  return Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function renderText(
  ctx: TemplateContext,
  template: string,
  values: Record<string, unknown>,
  encode: (v: string) => string = (v) => v,
): string {
  const withEvent = template.replace(EVENT_VALUE, (_m, path: string) => encode(valueText(values, path)));
  return render(withEvent, ctx, encode);
}

function renderBody(ctx: TemplateContext, value: unknown, values: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{event\.([A-Za-z0-9_.]+)\}$/.exec(value);
    if (whole) return pick(values, whole[1]!);
    return renderText(ctx, value, values);
  }
  if (Array.isArray(value)) return value.map((v) => renderBody(ctx, v, values));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderBody(ctx, v, values)]));
  return value;
}

/** Sends an event request and returns the parsed JSON answer (null when empty); a non-2xx throws. */
export async function sendEventRequest(
  deps: Deps,
  session: ProviderSession,
  req: EventRequest,
  values: Record<string, unknown>,
  opts: { notFoundIsOk?: boolean; config?: Record<string, string> } = {},
): Promise<unknown> {
  // `config` overlays the account's: a subscription is deleted with the values it was made with.
  const own = templateContext(session.target);
  const ctx: TemplateContext = { ...own, config: { ...own.config, ...opts.config }, credentials: {} };
  const body = req.body === undefined ? null : JSON.stringify(renderBody(ctx, req.body, values));
  const res = await session.send({
    method: req.method,
    url: (t) => {
      const base = baseUrlOf(deps, t);
      const url = new URL(base + renderText(ctx, req.path, values, encodeURIComponent));
      if (url.origin !== new URL(base).origin)
        throw new AppError('HOST_NOT_OWNED', 'event request path left the provider host');
      for (const [k, v] of Object.entries(req.query)) url.searchParams.set(k, renderText(ctx, v, values));
      return url;
    },
    headers: { accept: 'application/json', ...(body === null ? {} : { 'content-type': 'application/json' }) },
    body,
  });
  if (opts.notFoundIsOk && (res.status === 404 || res.status === 410)) return null;
  if (res.status < 200 || res.status >= 300) throw providerFailure(session, res);
  if (!res.body.length) return null;
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return null;
  }
}
