// Inbound deliveries: a provider's own webhook reaches `POST /events/inbound/{connector}/{token}`,
// is verified, stored (one row per provider event, de-duplicated on its id) and only then
// acknowledged. No provider call happens here: hydration and emission run in the events worker.
import { XMLParser } from 'fast-xml-parser';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { hashTokenText, newId, newToken } from '../ids.js';
import { transaction, type Queryable } from '../../store/db.js';
import { selectAll } from '../../connectors/json-path.js';
import type { ConnectorEvents } from '../../connectors/events-schema.js';
import type { AccountRow } from '../accounts/row.js';
import {
  deliveryType,
  failedCheck,
  isHandshake,
  MissingValue,
  renderDelivery,
  type DeliveryScope,
} from './verify.js';

/** The channel the events worker LISTENs on. */
export const EVENTS_CHANNEL = 'switchboard_inbound_events';

interface InboundRow {
  account_id: string;
  project_id: string;
  provider: string;
  token: string;
  secret: string | null;
}

export interface InboundAddress {
  url: string;
  /** The account's secret, for the provider to sign with or send back; null when none is used. */
  secret: string | null;
}

function inboundUrl(deps: Deps, provider: string, token: string): string {
  return `${deps.settings.publicUrl()}/events/inbound/${provider}/${token}`;
}

/**
 * The account's inbound URL and secret, made on first use. The token is 256 random bits, looked
 * up by its hash; both it and the secret are kept sealed so the owner can be shown them again.
 */
export async function inboundAddress(
  deps: Deps,
  account: Pick<AccountRow, 'id' | 'project_id' | 'provider'>,
  events: ConnectorEvents,
  db: Queryable = deps.db,
): Promise<InboundAddress> {
  const token = newToken();
  const secret = events.secret === 'generated' ? newToken() : null;
  await db.query(
    `INSERT INTO event_inbound (account_id, project_id, provider, token_hash, token, secret, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id) DO NOTHING`,
    [
      account.id,
      account.project_id,
      account.provider,
      hashTokenText(token),
      deps.vault.seal(token),
      secret === null ? null : deps.vault.seal(secret),
      deps.clock(),
    ],
  );
  const { rows } = await db.query<InboundRow>('SELECT * FROM event_inbound WHERE account_id = $1', [
    account.id,
  ]);
  const row = rows[0]!;
  return {
    url: inboundUrl(deps, account.provider, deps.vault.open(row.token)),
    secret: row.secret === null ? null : deps.vault.open(row.secret),
  };
}

/** Stores the secret a subscription answer gave (`secret: subscription`). */
export async function storeInboundSecret(deps: Deps, accountId: string, secret: string) {
  await deps.db.query('UPDATE event_inbound SET secret = $2 WHERE account_id = $1', [
    accountId,
    deps.vault.seal(secret),
  ]);
}

export interface InboundAnswer {
  status: number;
  contentType: string;
  body: string;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  processEntities: true,
  // No DOCTYPE entities are expanded: only the five predefined ones are.
  htmlEntities: false,
});

function parse(events: ConnectorEvents, raw: string): unknown {
  if (events.format === 'xml') {
    if (/<!DOCTYPE|<!ENTITY/i.test(raw)) throw new Error('a document type declaration is not accepted');
    return xml.parse(raw);
  }
  return JSON.parse(raw);
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** The items of a delivery: what `items` selects, each list flattened (XML lists of one are objects). */
export function itemsOf(events: ConnectorEvents, body: unknown): unknown[] {
  if (!events.items) return [body];
  return selectAll(body, events.items).flatMap(asList);
}

const unauthorized = () => new AppError('INBOUND_UNVERIFIED', 'The delivery could not be verified');

async function logDelivery(
  deps: Deps,
  db: Queryable,
  row: {
    id: string;
    projectId: string;
    accountId: string | null;
    provider: string;
    outcome: 'accepted' | 'duplicate' | 'handshake' | 'rejected';
    reason?: string;
    items?: number;
    newItems?: number;
    bytes: number;
  },
) {
  await db.query(
    `INSERT INTO inbound_deliveries (id, project_id, account_id, provider, outcome, reason, items, new_items, bytes, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      row.id,
      row.projectId,
      row.accountId,
      row.provider,
      row.outcome,
      row.reason ?? null,
      row.items ?? 0,
      row.newItems ?? 0,
      row.bytes,
      deps.clock(),
    ],
  );
}

/**
 * Receives one delivery. Answers 404 for an unknown connector or token, 413 past the size limit,
 * 401 when a check fails (logged and counted, nothing stored), and otherwise the connector's
 * acknowledgement — after the items are committed.
 */
export async function receiveDelivery(
  deps: Deps,
  provider: string,
  token: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
): Promise<InboundAnswer> {
  const connector = deps.connectors.get(provider);
  const events = connector?.events;
  if (!connector || !events || !/^[A-Za-z0-9_-]{20,100}$/.test(token))
    throw new AppError('INBOUND_NOT_FOUND', 'No inbound address here');
  const count = (outcome: string) => deps.metrics.inboundDeliveries.inc({ connector: provider, outcome });
  if (rawBody.length > events.max_body_bytes) {
    count('too_large');
    throw new AppError('PAYLOAD_TOO_LARGE', `Deliveries are limited to ${events.max_body_bytes} bytes`);
  }
  const { rows } = await deps.db.query<InboundRow & { credentials: string | null; status: string }>(
    `SELECT i.*, a.credentials, a.status FROM event_inbound i JOIN accounts a ON a.id = i.account_id
     WHERE i.token_hash = $1 AND i.provider = $2`,
    [hashTokenText(token), provider],
  );
  const inbound = rows[0];
  if (!inbound) {
    count('unknown');
    throw new AppError('INBOUND_NOT_FOUND', 'No inbound address here');
  }
  const deliveryId = newId('ind', 12);
  const base = { id: deliveryId, projectId: inbound.project_id, accountId: inbound.account_id, provider };
  const reject = async (reason: string) => {
    count('rejected');
    await logDelivery(deps, deps.db, { ...base, outcome: 'rejected', reason, bytes: rawBody.length });
    return unauthorized();
  };
  const raw = rawBody.toString('utf8');
  let body: unknown;
  try {
    body = parse(events, raw);
  } catch {
    throw await reject(`the body is not ${events.format === 'xml' ? 'XML' : 'JSON'}`);
  }
  const scope: DeliveryScope = {
    raw,
    secret: inbound.secret === null ? null : deps.vault.open(inbound.secret),
    headers,
    body,
    credentials: inbound.credentials ? deps.vault.openJson<Record<string, unknown>>(inbound.credentials) : {},
    accountId: inbound.account_id,
  };
  // Handshakes are checked like deliveries: an unverified one is refused too.
  const failed = failedCheck(events.verify, scope, deps.clock());
  if (failed) throw await reject(failed);
  if (events.handshake && isHandshake(events.handshake.when, scope)) {
    count('handshake');
    await logDelivery(deps, deps.db, { ...base, outcome: 'handshake', bytes: rawBody.length });
    return {
      status: 200,
      contentType: events.handshake.content_type,
      body: renderDelivery(events.handshake.respond, scope),
    };
  }
  const items: Array<{ id: string; type: string; item: unknown }> = [];
  for (const item of itemsOf(events, body)) {
    try {
      const s = { ...scope, item };
      items.push({ id: renderDelivery(events.event_id, s), type: deliveryType(events, s), item });
    } catch (err) {
      if (err instanceof MissingValue) throw await reject(`an event has no id or type: ${err.message}`);
      throw err;
    }
  }
  const envelope = envelopeOf(events, body);
  const now = deps.clock();
  const added = await transaction(deps.db, async (tx) => {
    await logDelivery(deps, tx, { ...base, outcome: 'accepted', items: items.length, bytes: rawBody.length });
    let n = 0;
    for (const it of items) {
      const r = await tx.query(
        `INSERT INTO inbound_events (id, project_id, account_id, delivery_id, provider, provider_event_id, provider_type,
           item, envelope, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (account_id, provider_event_id) DO NOTHING`,
        [
          newId('ine', 12),
          inbound.project_id,
          inbound.account_id,
          deliveryId,
          provider,
          it.id.slice(0, 500),
          it.type.slice(0, 200),
          JSON.stringify(it.item),
          JSON.stringify(envelope),
          now,
        ],
      );
      n += r.rowCount ?? 0;
    }
    await tx.query('UPDATE inbound_deliveries SET new_items = $2, outcome = $3 WHERE id = $1', [
      deliveryId,
      n,
      n === 0 && items.length > 0 ? 'duplicate' : 'accepted',
    ]);
    if (n > 0) await tx.query(`NOTIFY ${EVENTS_CHANNEL}`);
    return n;
  });
  count(added === 0 && items.length > 0 ? 'duplicate' : 'accepted');
  return { status: events.ack.status, contentType: events.ack.content_type, body: events.ack.body };
}

/** The delivery without its list of items: what hydration templates name as `body`. */
function envelopeOf(events: ConnectorEvents, body: unknown): unknown {
  if (!events.items || body === null || typeof body !== 'object') return {};
  const top = events.items.replace(/^\$\.?/, '').split('.')[0];
  if (!top) return {};
  const { [top]: _items, ...rest } = body as Record<string, unknown>;
  return rest;
}
