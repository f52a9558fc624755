// The events worker's job: one stored provider event becomes a `{connector}.{resource}.{action}`
// event in the outbox, hydrated through the provider's API first when the connector says so.
import type { Deps } from '../deps.js';
import { transaction } from '../../store/db.js';
import { pick } from '../../connectors/json-path.js';
import type { ConnectorEvents } from '../../connectors/events-schema.js';
import type { AccountRow } from '../accounts/row.js';
import { emitEvent } from '../webhooks/events.js';
import { openSession } from '../provider-calls/session.js';
import { backoffMs } from '../provider-calls/retry-policy.js';
import { sendEventRequest } from './requests.js';

export interface InboundEventRow {
  id: string;
  project_id: string;
  account_id: string;
  provider: string;
  provider_event_id: string;
  provider_type: string;
  item: unknown;
  envelope: unknown;
  attempts: number;
}

/** A hydration that keeps failing is given up after this many attempts (about 2 hours of backoff). */
const MAX_ATTEMPTS = 12;
const LEASE_MS = 120_000;

/** Leases up to `n` due events. */
export async function claimInboundEvents(deps: Deps, n: number): Promise<InboundEventRow[]> {
  const now = deps.clock();
  const { rows } = await deps.db.query<InboundEventRow>(
    `UPDATE inbound_events SET locked_until = $2
     WHERE id IN (SELECT id FROM inbound_events
                  WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
                  ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id, project_id, account_id, provider, provider_event_id, provider_type, item, envelope, attempts`,
    [now, new Date(now.getTime() + LEASE_MS), n],
  );
  return rows;
}

/** The events a profile emits: every declared one when `enabled_events` is null. */
export function enabledEventNames(events: ConnectorEvents, enabled: string[] | null): string[] {
  const all = events.types.map((t) => t.name);
  return enabled === null ? all : all.filter((n) => enabled.includes(n));
}

async function finish(deps: Deps, id: string, status: 'ignored' | 'failed', error: string | null) {
  await deps.db.query(
    `UPDATE inbound_events SET status = $2, last_error = $3, locked_until = NULL, done_at = $4 WHERE id = $1`,
    [id, status, error, deps.clock()],
  );
}

/** Processes one leased event: ignored, emitted, or retried later. */
export async function processInboundEvent(deps: Deps, ev: InboundEventRow): Promise<void> {
  const count = (outcome: string) => deps.metrics.connectorEvents.inc({ connector: ev.provider, outcome });
  const connector = deps.connectors.get(ev.provider);
  const type = connector?.events?.types.find((t) => t.provider_event === ev.provider_type);
  const { rows } = await deps.db.query<AccountRow & { enabled_events: string[] | null }>(
    `SELECT a.*, p.enabled_events FROM accounts a LEFT JOIN connector_profiles p ON p.id = a.connector_profile_id
     WHERE a.id = $1`,
    [ev.account_id],
  );
  const account = rows[0];
  if (!connector?.events || !type || !account) {
    count('ignored');
    return finish(deps, ev.id, 'ignored', type ? null : `no event declared for "${ev.provider_type}"`);
  }
  if (!enabledEventNames(connector.events, account.enabled_events ?? null).includes(type.name)) {
    count('ignored');
    return finish(deps, ev.id, 'ignored', `${type.name} is not enabled on the connector profile`);
  }
  let data: unknown;
  try {
    if (type.hydrate) {
      const session = await openSession(deps, { projectId: ev.project_id, organizationId: 0 }, ev.account_id);
      const answer = await sendEventRequest(deps, session, type.hydrate, {
        item: ev.item,
        body: ev.envelope,
      });
      data = pick(answer, type.hydrate.data);
    } else data = pick(ev.item, type.data);
  } catch (err) {
    const attempts = ev.attempts + 1;
    const message = (err as Error).message.slice(0, 500);
    if (attempts >= MAX_ATTEMPTS) {
      count('failed');
      return finish(deps, ev.id, 'failed', message);
    }
    count('retry');
    await deps.db.query(
      `UPDATE inbound_events SET attempts = $2, last_error = $3, locked_until = NULL, next_attempt_at = $4 WHERE id = $1`,
      [
        ev.id,
        attempts,
        message,
        new Date(deps.clock().getTime() + backoffMs(attempts, deps.timers.random) * 20),
      ],
    );
    return;
  }
  await transaction(deps.db, async (tx) => {
    // Emitted once: the row is re-checked under its lock, so a lease that expired mid-call and
    // was claimed again cannot emit a second event.
    const still = await tx.query(
      `SELECT 1 FROM inbound_events WHERE id = $1 AND status = 'pending' FOR UPDATE`,
      [ev.id],
    );
    if (!still.rowCount) return;
    const eventId = await emitEvent(deps, tx, type.name, account, {
      data: data ?? null,
      raw: ev.item,
      provider_event_id: ev.provider_event_id,
    });
    await tx.query(
      `UPDATE inbound_events SET status = 'emitted', event_type = $2, emitted_event_id = $3, locked_until = NULL,
         attempts = $4, last_error = NULL, done_at = $5 WHERE id = $1`,
      [ev.id, type.name, eventId, ev.attempts + 1, deps.clock()],
    );
  });
  count('emitted');
}
