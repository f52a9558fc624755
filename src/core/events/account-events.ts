import type { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { getAccount } from '../accounts/accounts.js';
import type { AccountRow } from '../accounts/row.js';
import type {
  accountEventsWire,
  inboundDeliveriesQuery,
  inboundDeliveryWire,
} from '../../contract/events.js';
import { inboundAddress } from './inbound.js';
import { enabledEventNames } from './process.js';

/** `GET /accounts/{id}/events`: the account's mode, events, inbound URL and subscription. */
export async function accountEvents(
  deps: Deps,
  scope: ProjectScope,
  id: string,
): Promise<z.input<typeof accountEventsWire>> {
  return eventsOfAccount(deps, await getAccount(deps, scope, id));
}

/**
 * What a manual-events account's owner pastes into the provider after linking (shown by the Hub
 * once the account is connected): null unless the connector's events are manual and its profile
 * emits at least one. The steps keep their `{inbound_url}` and `{secret}` placeholders: the Hub
 * shows both values in fields of their own.
 */
export async function manualEventsSetup(
  deps: Deps,
  account: AccountRow,
): Promise<{ inbound_url: string; secret: string | null; steps: string[] } | null> {
  const e = await eventsOfAccount(deps, account);
  if (e.mode !== 'manual' || !e.events.length || !e.inbound_url) return null;
  const steps = deps.connectors.get(account.provider)?.events?.setup_steps ?? [];
  return { inbound_url: e.inbound_url, secret: e.secret ?? null, steps };
}

async function eventsOfAccount(deps: Deps, account: AccountRow): Promise<z.input<typeof accountEventsWire>> {
  const events = deps.connectors.get(account.provider)?.events;
  if (!events)
    return { mode: 'none', events: [], inbound_url: null, secret: null, subscription: null, setup_steps: [] };
  const { rows } = await deps.db.query<{ enabled_events: string[] | null }>(
    'SELECT enabled_events FROM connector_profiles WHERE id = $1',
    [account.connector_profile_id],
  );
  const names = account.connector_profile_id
    ? enabledEventNames(events, rows[0]?.enabled_events ?? null)
    : [];
  const address = await inboundAddress(deps, account, events);
  const sub = await deps.db.query<{
    status: 'pending' | 'active' | 'failed' | 'off';
    provider_id: string | null;
    last_error: string | null;
  }>('SELECT status, provider_id, last_error FROM event_subscriptions WHERE account_id = $1', [account.id]);
  const manual = events.mode === 'manual';
  const fill = (s: string) =>
    s.replaceAll('{inbound_url}', address.url).replaceAll('{secret}', address.secret ?? '');
  return {
    mode: events.mode,
    events: names,
    inbound_url: address.url,
    secret: manual ? address.secret : null,
    subscription:
      events.mode === 'programmatic'
        ? (sub.rows[0] ?? { status: 'pending', provider_id: null, last_error: null })
        : null,
    setup_steps: manual ? events.setup_steps.map(fill) : [],
  };
}

/** `GET /inbound_deliveries`: newest first, each with the events it carried. */
export async function listInboundDeliveries(
  deps: Deps,
  scope: ProjectScope,
  q: z.infer<typeof inboundDeliveriesQuery>,
): Promise<Array<z.input<typeof inboundDeliveryWire>>> {
  const { rows } = await deps.db.query<{
    id: string;
    account_id: string | null;
    provider: string;
    outcome: 'accepted' | 'duplicate' | 'handshake' | 'rejected';
    reason: string | null;
    items: number;
    new_items: number;
    bytes: number;
    received_at: Date;
  }>(
    `SELECT id, account_id, provider, outcome, reason, items, new_items, bytes, received_at FROM inbound_deliveries
     WHERE project_id = $1 AND ($2::text IS NULL OR account_id = $2) AND ($3::text IS NULL OR provider = $3)
       AND ($4::text IS NULL OR outcome = $4)
     ORDER BY received_at DESC, id DESC LIMIT $5`,
    [scope.projectId, q.account_id ?? null, q.provider ?? null, q.outcome ?? null, q.page_size],
  );
  const ids = rows.map((r) => r.id);
  const evs = ids.length
    ? (
        await deps.db.query<{
          delivery_id: string;
          provider_event_id: string;
          provider_type: string;
          status: 'pending' | 'emitted' | 'ignored' | 'failed';
          event_type: string | null;
          emitted_event_id: string | null;
          last_error: string | null;
        }>(
          `SELECT delivery_id, provider_event_id, provider_type, status, event_type, emitted_event_id, last_error
           FROM inbound_events WHERE delivery_id = ANY($1) ORDER BY created_at, id`,
          [ids],
        )
      ).rows
    : [];
  return rows.map((r) => ({
    ...r,
    received_at: r.received_at.toISOString(),
    events: evs
      .filter((e) => e.delivery_id === r.id)
      .map((e) => ({
        provider_event_id: e.provider_event_id,
        provider_type: e.provider_type,
        status: e.status,
        event: e.event_type,
        event_id: e.emitted_event_id,
        last_error: e.last_error,
      })),
  }));
}
