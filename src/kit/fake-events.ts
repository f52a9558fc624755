// The generic fake provider's side of connector events, driven by the connector's `events` block:
// it serves the subscription's create, secret and delete requests where the connector sends them,
// keeps what each create registered (the inbound URL, the secret, the events), and sends signed
// deliveries to that URL the way the `verify` checks expect them — or with a wrong secret.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectorEvents, EventRequest, VerifyCheck } from '../connectors/events-schema.js';
import type { Connector } from '../connectors/schema.js';
import { render, type TemplateContext, TemplateError } from '../connectors/templating.js';
import { type DeliveryScope, renderDelivery } from '../core/events/verify.js';
import { setAt } from './paths.js';

/** One subscription a create request registered, as the provider keeps it. */
export interface FakeSubscription {
  id: string;
  /** The create request's JSON body, as sent. */
  body: unknown;
  /** Where deliveries go: the value the body carries where the connector puts `${event.inbound_url}`. */
  url: string;
  /** The signing secret: the one the body carries (`secret: generated`), or one the fake made. */
  secret: string | null;
  /** The value the body carries where the connector puts `${event.provider_events}`. */
  events: unknown;
}

export interface FakeDelivery {
  /** The provider's payload: JSON (or a text sent as it is). */
  body: unknown;
  /** Headers the provider adds (event names, delivery ids); signatures and timestamps are filled in. */
  headers?: Record<string, string>;
  /** Signs with a wrong secret: the receiver must refuse it. */
  forge?: boolean;
}

export interface DeliveryAnswer {
  status: number;
  body: string;
  /** The answer's content type, or null. */
  contentType: string | null;
  /** The headers the delivery was sent with (lower case), signatures included. */
  sent: Record<string, string>;
}

export interface FakeEvents {
  readonly subscriptions: Map<string, FakeSubscription>;
  /** Subscriptions deleted so far, by id. */
  readonly deleted: string[];
  /** Serves the request when it is one of the subscription requests; false when it is not. */
  handle(req: IncomingMessage, url: URL, body: string, res: ServerResponse): boolean;
  /** A subscription an admin made in the provider's settings (manual events); returns its id. */
  subscribe(url: string, secret: string | null): string;
  deliver(subscriptionId: string, delivery: FakeDelivery): Promise<DeliveryAnswer>;
}

/** The fixture's `subscription` rules for create bodies, and where a refused one is reported. */
export interface SubscriptionRules {
  max_events?: number | undefined;
  https_only: boolean;
  refused: { status: number; body?: unknown };
  problem(why: string): void;
}

const SUBSCRIPTION_ID = /\$\{event\.subscription_id\}/g;
const SECRET_ONLY = /^\$\{secret\}$/;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HEADER_ONLY = /^\$\{header\.([A-Za-z0-9_-]+)\}$/;
const BODY_ONLY = /^\$\{body\.([A-Za-z0-9_.]+)\}$/;

/** The path a request template renders to under the API's base path: a regex whose group is the subscription id. */
function pathPattern(req: EventRequest, ctx: TemplateContext, base: string): RegExp | null {
  const mark = 'SUBSCRIPTIONID0';
  try {
    const rendered = render(req.path.replace(SUBSCRIPTION_ID, mark), ctx, encodeURIComponent);
    const path = new URL(`https://fake${base}${rendered}`).pathname;
    return new RegExp(`^${path.split(mark).map(escapeRe).join('([^/]+)')}$`);
  } catch (err) {
    // A value the fixture does not give (an optional config field): the request is not served.
    if (err instanceof TemplateError) return null;
    throw err;
  }
}

/** The value `received` holds where `template` holds exactly `${event.name}`. */
function valueAt(template: unknown, received: unknown, name: string): unknown {
  if (template === `\${event.${name}}`) return received;
  if (template && typeof template === 'object' && received && typeof received === 'object') {
    for (const [k, v] of Object.entries(template)) {
      const found = valueAt(v, (received as Record<string, unknown>)[k], name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Sets the headers the checks read: timestamps, then signatures and shared secrets. A signature
 * the connector reads from the JSON body (`${body.signature}`, as Oneflow sends it) goes into
 * `scope.body` instead.
 */
function signedHeaders(
  checks: VerifyCheck[],
  scope: DeliveryScope,
  secret: string | null,
): Record<string, string> {
  const headers = scope.headers as Record<string, string>;
  const headerOf = (template: string, what: string) => {
    const m = HEADER_ONLY.exec(template);
    if (!m) throw new Error(`the fake provider can only send ${what} in a header, not at ${template}`);
    return m[1]!.toLowerCase();
  };
  const put = (template: string, what: string, value: string) => {
    const inBody = BODY_ONLY.exec(template)?.[1];
    if (inBody && scope.body && typeof scope.body === 'object')
      setAt(scope.body as Record<string, unknown>, inBody, value);
    else headers[headerOf(template, what)] = value;
  };
  for (const c of checks) {
    if (c.type !== 'timestamp') continue;
    const name = headerOf(c.value, 'a timestamp');
    if (headers[name] !== undefined) continue;
    const now = new Date();
    headers[name] =
      c.format === 'iso'
        ? now.toISOString().replace(/\.\d{3}Z$/, 'Z')
        : String(Math.floor(now.getTime() / 1000));
  }
  const withSecret = { ...scope, secret, headers };
  for (const c of checks) {
    if (c.type === 'hmac') {
      if (secret === null) throw new Error('the subscription has no secret to sign with');
      const digest = createHmac(c.algorithm, secret)
        .update(renderDelivery(c.message, withSecret), 'utf8')
        .digest(c.encoding);
      put(c.signature, 'a signature', c.prefix + digest);
    } else if (c.type === 'digest') {
      const digest = createHash(c.algorithm)
        .update(renderDelivery(c.message, withSecret), 'utf8')
        .digest(c.encoding);
      put(c.signature, 'a digest', digest);
    } else if (c.type === 'equals' && SECRET_ONLY.test(c.expected) && secret !== null) {
      put(c.value, 'a shared secret', secret);
    }
  }
  return headers;
}

/**
 * The events side of the fake for one connector, or null when it has no programmatic events.
 * `guard` answers a request that lacks the credentials or fixed headers (and says so), as the
 * rest of the fake does.
 */
export function fakeEvents(
  connector: Connector,
  ctx: TemplateContext,
  api: URL,
  guard: (req: IncomingMessage, url: URL, res: ServerResponse) => boolean,
  rules?: SubscriptionRules,
): FakeEvents | null {
  const events: ConnectorEvents | undefined = connector.events;
  const sub = events?.subscription;
  if (!events) return null;
  const base = api.pathname.replace(/\/+$/, '');
  const create = sub ? pathPattern(sub.create, ctx, base) : null;
  const secretRequest = sub?.secret_request ? pathPattern(sub.secret_request, ctx, base) : null;
  const remove = sub ? pathPattern(sub.delete, ctx, base) : null;
  const subscriptions = new Map<string, FakeSubscription>();
  const deleted: string[] = [];
  let next = 1000;

  function created(body: string, res: ServerResponse) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendJson(res, 400, { message: 'Problems parsing JSON' });
    }
    const broken = rules && createProblem(json, rules);
    if (broken) {
      rules.problem(`subscription create: ${broken}`);
      return sendJson(res, rules.refused.status, rules.refused.body ?? {});
    }
    const url = valueAt(sub!.create.body, json, 'inbound_url');
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      return sendJson(res, 422, { message: 'the subscription has no delivery URL' });
    const given = valueAt(sub!.create.body, json, 'secret');
    const secret =
      events!.secret === 'generated'
        ? typeof given === 'string'
          ? given
          : null
        : events!.secret === 'subscription'
          ? `whsec-${randomBytes(24).toString('base64url')}`
          : null;
    if (events!.secret === 'generated' && !secret)
      return sendJson(res, 422, { message: 'the subscription has no secret' });
    const id = String(next++);
    subscriptions.set(id, {
      id,
      body: json,
      url,
      secret,
      events: valueAt(sub!.create.body, json, 'provider_events'),
    });
    const answer = structuredClone(json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
    setAt(answer, sub!.create.id, Number(id));
    if (sub!.create.secret && secret) setAt(answer, sub!.create.secret, secret);
    sendJson(res, 201, answer);
  }

  /**
   * What a create body breaks of the fixture's `subscription` rules, or null: a key of the create
   * template left out, no provider event or one the connector does not declare, more than
   * `max_events`, a delivery URL that is not https:// (with `https_only`; loopback http:// is the
   * server under test).
   */
  function createProblem(json: unknown, r: SubscriptionRules): string | null {
    const template = sub!.create.body;
    if (template && typeof template === 'object' && !Array.isArray(template)) {
      if (!json || typeof json !== 'object') return 'the body is not a JSON object';
      const sent = json as Record<string, unknown>;
      for (const k of Object.keys(template))
        if (sent[k] === undefined || sent[k] === null || sent[k] === '') return `${k} is required`;
    }
    const names = valueAt(template, json, 'provider_events');
    const list = Array.isArray(names) ? names : typeof names === 'string' ? names.split(',') : null;
    if (list) {
      const declared = new Set(events!.types.map((t) => t.subscribe ?? t.provider_event));
      if (list.length === 0) return 'no events are named';
      const unknown = list.find((n) => typeof n !== 'string' || !declared.has(n));
      if (unknown !== undefined)
        return `event ${JSON.stringify(unknown)} is not one ${connector.key} declares`;
      if (r.max_events !== undefined && list.length > r.max_events)
        return `${list.length} events: at most ${r.max_events}`;
    }
    const url = valueAt(template, json, 'inbound_url');
    const loopback = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;
    if (r.https_only && typeof url === 'string' && !url.startsWith('https://') && !loopback.test(url))
      return `the delivery URL ${url} is not https://`;
    return null;
  }

  return {
    subscriptions,
    deleted,
    subscribe(url, secret) {
      const id = String(next++);
      subscriptions.set(id, { id, body: null, url, secret, events: null });
      return id;
    },
    handle(req, url, body, res) {
      if (!sub) return false;
      const method = req.method ?? 'GET';
      const matches = (r: EventRequest, re: RegExp | null) =>
        re && r.method === method ? re.exec(url.pathname) : null;
      if (matches(sub.create, create)) {
        if (guard(req, url, res)) created(body, res);
        return true;
      }
      const read = sub.secret_request ? matches(sub.secret_request, secretRequest) : null;
      if (read && sub.secret_request) {
        if (!guard(req, url, res)) return true;
        const found = subscriptions.get(read[1] ?? '');
        if (!found) sendJson(res, 404, { error: 'RecordNotFound' });
        else {
          const answer: Record<string, unknown> = {};
          setAt(answer, sub.secret_request.secret, found.secret);
          sendJson(res, 200, answer);
        }
        return true;
      }
      const del = matches(sub.delete, remove);
      if (del) {
        if (!guard(req, url, res)) return true;
        const id = del[1] ?? '';
        if (!subscriptions.delete(id)) sendJson(res, 404, { error: 'RecordNotFound' });
        else {
          deleted.push(id);
          sendJson(res, 204, undefined);
        }
        return true;
      }
      return false;
    },
    async deliver(subscriptionId, delivery) {
      const found = subscriptions.get(subscriptionId);
      if (!found) throw new Error(`no subscription ${subscriptionId}`);
      const body = typeof delivery.body === 'string' ? {} : structuredClone(delivery.body);
      const headers: Record<string, string> = {
        'content-type': events.format === 'xml' ? 'text/xml; charset=utf-8' : 'application/json',
        ...Object.fromEntries(Object.entries(delivery.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      };
      // A delivery id read from a header is made up when the caller gives none.
      const idHeader = HEADER_ONLY.exec(events.event_id)?.[1]?.toLowerCase();
      if (idHeader && headers[idHeader] === undefined) headers[idHeader] = randomUUID();
      const secret = delivery.forge ? `not-${found.secret ?? 'a-secret'}` : found.secret;
      const text = () => (typeof delivery.body === 'string' ? delivery.body : JSON.stringify(body));
      const scope: DeliveryScope = { raw: text(), secret, headers, body, credentials: {}, accountId: '' };
      const sent = signedHeaders(events.verify, scope, secret);
      // A signature put into the body changes the text sent.
      const raw = text();
      const res = await fetch(found.url, { method: 'POST', headers: sent, body: raw });
      return {
        status: res.status,
        body: await res.text(),
        contentType: res.headers.get('content-type'),
        sent,
      };
    },
  };
}
