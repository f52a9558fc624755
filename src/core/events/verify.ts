import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { pick } from '../../connectors/json-path.js';
import type { ConnectorEvents, VerifyCheck } from '../../connectors/events-schema.js';

/** What a delivery template can name (see `deliveryTemplate` in events-schema.ts). */
export interface DeliveryScope {
  raw: string;
  secret: string | null;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  item?: unknown;
  credentials: Record<string, unknown>;
  accountId: string;
}

const PLACEHOLDER = /\$\{(raw|secret|header|body|item|credentials|account)(?:\.([^}]+))?\}/g;

/** Thrown when a template names a value the delivery does not have: the check fails, it never passes. */
export class MissingValue extends Error {}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Renders a delivery template; a missing value throws MissingValue. */
export function renderDelivery(template: string, s: DeliveryScope): string {
  return template.replace(PLACEHOLDER, (_m, scope: string, name: string | undefined) => {
    let value: string | null;
    if (scope === 'raw') value = s.raw;
    else if (scope === 'secret') value = s.secret;
    else if (scope === 'account') value = name === 'id' ? s.accountId : null;
    else if (!name) value = null;
    else if (scope === 'header') value = text([s.headers[name.toLowerCase()]].flat()[0]);
    else if (scope === 'credentials') value = text(s.credentials[name]);
    else value = text(pick(scope === 'body' ? s.body : s.item, name));
    if (value === null) throw new MissingValue(`\${${scope}${name ? `.${name}` : ''}} is missing`);
    return value;
  });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The digests the provider may have sent, in its encoding: one per accepted message. */
function expectedDigests(
  check: Extract<VerifyCheck, { type: 'hmac' | 'digest' }>,
  s: DeliveryScope,
): string[] {
  if (check.type === 'digest')
    return [
      createHash(check.algorithm).update(renderDelivery(check.message, s), 'utf8').digest(check.encoding),
    ];
  const secret = s.secret;
  if (secret === null) throw new MissingValue('the account has no secret');
  return [check.message, ...check.also_accept].map((m) =>
    createHmac(check.algorithm, secret).update(renderDelivery(m, s), 'utf8').digest(check.encoding),
  );
}

function passes(check: VerifyCheck, s: DeliveryScope, now: Date): boolean {
  switch (check.type) {
    case 'hmac':
    case 'digest': {
      const expected = expectedDigests(check, s);
      const prefix = check.type === 'hmac' ? check.prefix : '';
      const given = renderDelivery(check.signature, s)
        .split(/[\s,]+/)
        .filter((v) => v.startsWith(prefix))
        .map((v) => v.slice(prefix.length));
      const norm = (v: string) => (check.encoding === 'hex' ? v.toLowerCase() : v);
      return given.some((g) => expected.some((e) => sameText(norm(g), norm(e))));
    }
    case 'equals': {
      let expected = renderDelivery(check.expected, s);
      let value = renderDelivery(check.value, s);
      if (check.extract) {
        const m = new RegExp(check.extract).exec(expected);
        if (!m?.[1]) return false;
        expected = m[1];
      }
      if (check.length) {
        if (value.length < check.length || expected.length < check.length) return false;
        value = value.slice(0, check.length);
        expected = expected.slice(0, check.length);
      }
      return sameText(value, expected);
    }
    case 'timestamp': {
      const raw = renderDelivery(check.value, s);
      const at = check.format === 'iso' ? Date.parse(raw) : Number(raw) * 1000;
      if (!Number.isFinite(at)) return false;
      return Math.abs(now.getTime() - at) <= check.tolerance_seconds * 1000;
    }
  }
}

/** The first check a delivery fails, described for the inbound log (never the secret), or null. */
export function failedCheck(checks: VerifyCheck[], s: DeliveryScope, now: Date): string | null {
  for (const [i, check] of checks.entries()) {
    try {
      if (!passes(check, s, now)) return `check ${i + 1} (${check.type}) failed`;
    } catch (err) {
      if (err instanceof MissingValue) return `check ${i + 1} (${check.type}): ${err.message}`;
      throw err;
    }
  }
  return null;
}

/** Whether a verified delivery is the provider's handshake (a body path or a delivery text). */
export function isHandshake(
  when: NonNullable<ConnectorEvents['handshake']>['when'],
  scope: DeliveryScope,
): boolean {
  if (when.path !== undefined) return String(pick(scope.body, when.path)) === when.equals;
  try {
    return renderDelivery(when.value ?? '', scope) === when.equals;
  } catch (err) {
    if (err instanceof MissingValue) return false;
    throw err;
  }
}

/** The provider's type of one item, `type.action` when the connector names an action and the item has one. */
export function deliveryType(events: Pick<ConnectorEvents, 'type' | 'action'>, s: DeliveryScope): string {
  const type = renderDelivery(events.type, s);
  if (!events.action) return type;
  try {
    const action = renderDelivery(events.action, s);
    return action ? `${type}.${action}` : type;
  } catch (err) {
    if (err instanceof MissingValue) return type;
    throw err;
  }
}
