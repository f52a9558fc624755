import type { Deps } from '../deps.js';
import type { Queryable } from '../../store/db.js';
import { newId } from '../ids.js';
import { accountToWire } from '../accounts/wire.js';
import type { AccountRow } from '../accounts/row.js';
import { RETRY_WINDOW_MS } from './schedule.js';
import type { EventType } from '../../contract/webhooks.js';

/** The channel delivery workers LISTEN on; NOTIFY is transactional, so it fires on commit. */
export const WEBHOOK_CHANNEL = 'switchboard_webhooks';

/**
 * Whether an endpoint's subscription list takes an event: its exact name, `*`, or a pattern with
 * `*` standing for any run of characters (`oneflow.*`, `*.contract.signed`). SQL, so the fan-out
 * stays one INSERT … SELECT. Event names hold only `[a-z0-9._]`; `_` is escaped for LIKE.
 */
const SUBSCRIBED = `EXISTS (SELECT 1 FROM unnest(e.events) p
  WHERE p = '*' OR p = $5 OR (strpos(p, '*') > 0 AND $5 LIKE replace(replace(p, '_', '\\_'), '*', '%')))`;

/**
 * Writes an event to the outbox and queues one delivery per subscribed, active endpoint —
 * inside the caller's transaction, so the event exists exactly when the change does.
 * Connector events add `data` (normalised) and `raw` (the provider's item) to the envelope.
 */
export async function emitEvent(
  deps: Deps,
  tx: Queryable,
  type: string,
  account: AccountRow,
  body?: { data: unknown; raw: unknown; provider_event_id: string },
): Promise<string> {
  const now = deps.clock();
  const id = newId('evt', 16);
  const { credentials: _secrets, ...wire } = accountToWire(deps, account);
  const payload = {
    event: type,
    event_id: id,
    event_date: now.toISOString(),
    project_id: account.project_id,
    account_id: account.id,
    provider: account.provider,
    origin_owner_id: account.origin_owner_id,
    origin_owner_name: account.origin_owner_name,
    origin_username: account.origin_username,
    ...(body
      ? { provider_event_id: body.provider_event_id, data: body.data, raw: body.raw }
      : { data: wire }),
  };
  await tx.query(
    'INSERT INTO events (id, project_id, type, account_id, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, account.project_id, type, account.id, payload, now],
  );
  const queued = await tx.query(
    `INSERT INTO webhook_deliveries (id, project_id, endpoint_id, event_id, next_attempt_at, retry_until, created_at)
     SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.project_id, e.id, $1, $2, $3, $2
     FROM webhook_endpoints e WHERE e.project_id = $4 AND e.active AND ${SUBSCRIBED}`,
    [id, now, new Date(now.getTime() + RETRY_WINDOW_MS), account.project_id, type],
  );
  if ((queued.rowCount ?? 0) > 0) await tx.query(`NOTIFY ${WEBHOOK_CHANNEL}`);
  return id;
}

/** An `account.*` event (see `emitEvent`). */
export function emitAccountEvent(deps: Deps, tx: Queryable, type: EventType, account: AccountRow) {
  return emitEvent(deps, tx, type, account);
}
