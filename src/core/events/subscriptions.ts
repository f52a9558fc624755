// Programmatic connector events: each linked account gets a provider-side subscription pointing
// at its inbound URL, for the events its profile enables. `event_subscriptions` holds what
// exists; the events worker reconciles accounts whose row is missing or due (after linking, a
// profile change, a failure), and a deleted account's subscription is deleted after the commit.
import type { Deps, ProjectScope } from '../deps.js';
import { pick } from '../../connectors/json-path.js';
import type { Connector } from '../../connectors/schema.js';
import type { AccountRow } from '../accounts/row.js';
import type { DeletedSubscription } from '../accounts/accounts.js';
import { getProfile } from '../connector-profiles/profiles.js';
import { targetOf } from '../credentials/open.js';
import { openSession, ProviderSession } from '../provider-calls/session.js';
import { backoffMs } from '../provider-calls/retry-policy.js';
import { inboundAddress, storeInboundSecret } from './inbound.js';
import { enabledEventNames } from './process.js';
import { sendEventRequest } from './requests.js';

export interface SubscriptionRow {
  account_id: string;
  status: 'pending' | 'active' | 'failed' | 'off';
  provider_id: string | null;
  events: string[];
  attempts: number;
  last_error: string | null;
}

const LEASE_MS = 60_000;

function programmaticKeys(deps: Deps): string[] {
  return deps.connectors
    .list()
    .filter((c) => c.events?.mode === 'programmatic')
    .map((c) => c.key);
}

/** Accounts whose subscription is missing or due, leased for one reconcile each. */
export async function claimDueSubscriptions(deps: Deps, n: number): Promise<string[]> {
  const keys = programmaticKeys(deps);
  if (!keys.length) return [];
  const now = deps.clock();
  // A row for every programmatic account that has none yet (a new link): pending, due now.
  await deps.db.query(
    `INSERT INTO event_subscriptions (account_id, project_id, provider, status, next_attempt_at, updated_at)
     SELECT a.id, a.project_id, a.provider, 'pending', $2, $2 FROM accounts a
     WHERE a.provider = ANY($1) AND NOT EXISTS (SELECT 1 FROM event_subscriptions s WHERE s.account_id = a.id)
     LIMIT 100 ON CONFLICT (account_id) DO NOTHING`,
    [keys, now],
  );
  const { rows } = await deps.db.query<{ account_id: string }>(
    `UPDATE event_subscriptions SET next_attempt_at = $2
     WHERE account_id IN (SELECT account_id FROM event_subscriptions
                          WHERE status IN ('pending', 'failed') AND next_attempt_at <= $1
                          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING account_id`,
    [now, new Date(now.getTime() + LEASE_MS), n],
  );
  return rows.map((r) => r.account_id);
}

/** The names the subscription request lists: each type's `subscribe`, else its `provider_event`, once each. */
function providerEvents(connector: Connector, names: string[]): string[] {
  return [
    ...new Set(
      (connector.events?.types ?? [])
        .filter((t) => names.includes(t.name))
        .map((t) => t.subscribe ?? t.provider_event),
    ),
  ];
}

/** Why the account cannot have a subscription without more config (`requires_config`), or null. */
function missingConfig(connector: Connector, config: Record<string, string>): string | null {
  const missing = (connector.events?.subscription?.requires_config ?? []).filter((k) => !config[k]);
  if (!missing.length) return null;
  const labels = missing.map((k) => connector.config_fields.find((f) => f.key === k)?.label ?? k);
  return `The account is linked without ${labels.join(' and ')}: ${connector.name} events need ${
    missing.length > 1 ? 'them' : 'it'
  }. Link the account again with ${missing.length > 1 ? 'them' : 'it'} filled in to receive its events`;
}

/** The config values that address a subscription (`requires_config`), kept with it. */
function subscriptionConfig(connector: Connector, config: Record<string, string>): Record<string, string> {
  const keys = connector.events?.subscription?.requires_config ?? [];
  return Object.fromEntries(keys.filter((k) => config[k]).map((k) => [k, config[k]!]));
}

async function save(
  deps: Deps,
  accountId: string,
  patch: Partial<SubscriptionRow> & { next?: Date | null; config?: Record<string, string> },
) {
  const { next, config, ...rest } = patch;
  await deps.db.query(
    `UPDATE event_subscriptions SET status = COALESCE($2, status), provider_id = $3, events = COALESCE($4, events),
       attempts = COALESCE($5, attempts), last_error = $6, next_attempt_at = $7, updated_at = $8,
       config = COALESCE($9, config)
     WHERE account_id = $1`,
    [
      accountId,
      rest.status ?? null,
      rest.provider_id ?? null,
      rest.events ? JSON.stringify(rest.events) : null,
      rest.attempts ?? null,
      rest.last_error ?? null,
      next ?? null,
      deps.clock(),
      config ? JSON.stringify(config) : null,
    ],
  );
}

/** Brings one account's subscription to what its profile enables: created, replaced or deleted. */
export async function reconcileSubscription(deps: Deps, accountId: string): Promise<void> {
  const { rows } = await deps.db.query<
    AccountRow & {
      enabled_events: string[] | null;
      sub_status: string;
      sub_provider_id: string | null;
      sub_events: string[];
      sub_attempts: number;
      sub_config: Record<string, string>;
    }
  >(
    `SELECT a.*, p.enabled_events, s.status AS sub_status, s.provider_id AS sub_provider_id, s.events AS sub_events,
       s.attempts AS sub_attempts, s.config AS sub_config
     FROM event_subscriptions s JOIN accounts a ON a.id = s.account_id
     LEFT JOIN connector_profiles p ON p.id = a.connector_profile_id WHERE s.account_id = $1`,
    [accountId],
  );
  const account = rows[0];
  const connector = account && deps.connectors.get(account.provider);
  const events = connector?.events;
  if (!account || !connector || !events?.subscription) return;
  const wanted =
    account.status === 'active' && account.connector_profile_id
      ? enabledEventNames(events, account.enabled_events ?? null)
      : [];
  const scope: ProjectScope = { projectId: account.project_id, organizationId: 0 };
  try {
    const session = await openSession(deps, scope, account.id);
    const granted = session.target.credentials.scope;
    const needs = events.subscription.requires_scope;
    if (
      needs.length &&
      typeof granted === 'string' &&
      !needs.some((s) => granted.split(/[\s,]+/).includes(s))
    ) {
      await save(deps, account.id, {
        status: 'off',
        provider_id: account.sub_provider_id,
        attempts: 0,
        last_error: `The account's grant has none of ${needs.join(', ')}: reconnect it with one of them to receive its events`,
      });
      return;
    }
    let providerId = account.sub_provider_id;
    const lacking = missingConfig(connector, session.target.config);
    if (lacking && wanted.length && !providerId) {
      await save(deps, account.id, { status: 'off', provider_id: null, attempts: 0, last_error: lacking });
      return;
    }
    if (providerId) {
      await sendEventRequest(
        deps,
        session,
        events.subscription.delete,
        { subscription_id: providerId },
        { notFoundIsOk: true, config: account.sub_config },
      );
      providerId = null;
    }
    if (!wanted.length || lacking) {
      await save(deps, account.id, {
        status: 'off',
        provider_id: null,
        events: [],
        attempts: 0,
        last_error: lacking,
      });
      return;
    }
    const address = await inboundAddress(deps, account, events);
    const answer = await sendEventRequest(deps, session, events.subscription.create, {
      inbound_url: address.url,
      secret: address.secret,
      provider_events: providerEvents(connector, wanted),
      account_id: account.id,
    });
    const id = pick(answer, events.subscription.create.id);
    if (id === undefined || id === null || id === '')
      throw new Error(`${connector.name} answered the subscription request without an id`);
    providerId = String(id);
    // Saved at once, with the config it was made with: a failure after this point must still
    // find (and delete) what was made, and so must a delete after a re-link with other values.
    await save(deps, account.id, {
      status: 'pending',
      provider_id: providerId,
      events: wanted,
      config: subscriptionConfig(connector, session.target.config),
    });
    if (events.secret === 'subscription') {
      const secret = await subscriptionSecret(deps, session, events.subscription, answer, providerId);
      if (typeof secret !== 'string' || !secret)
        throw new Error(`${connector.name} did not hand out the subscription's signing secret`);
      await storeInboundSecret(deps, account.id, secret);
    }
    await save(deps, account.id, {
      status: 'active',
      provider_id: providerId,
      events: wanted,
      attempts: 0,
      last_error: null,
    });
  } catch (err) {
    const attempts = account.sub_attempts + 1;
    const { rows: now } = await deps.db.query<{ provider_id: string | null }>(
      'SELECT provider_id FROM event_subscriptions WHERE account_id = $1',
      [account.id],
    );
    await save(deps, account.id, {
      status: 'failed',
      provider_id: now[0]?.provider_id ?? null,
      attempts,
      last_error: (err as Error).message.slice(0, 500),
      next: new Date(
        deps.clock().getTime() + Math.min(backoffMs(attempts, deps.timers.random) * 60, 6 * 3600_000),
      ),
    });
  }
}

type Subscription = NonNullable<NonNullable<Connector['events']>['subscription']>;

/** The signing secret: in the create answer, or read with `secret_request` right after it. */
async function subscriptionSecret(
  deps: Deps,
  session: ProviderSession,
  sub: Subscription,
  answer: unknown,
  providerId: string,
): Promise<unknown> {
  if (sub.create.secret) return pick(answer, sub.create.secret);
  if (!sub.secret_request) return undefined;
  const read = await sendEventRequest(deps, session, sub.secret_request, { subscription_id: providerId });
  return pick(read, sub.secret_request.secret);
}

/**
 * A deleted account's subscription, deleted at the provider with the credentials the account
 * had. Best effort, after the deletion committed: a slow provider never holds it up.
 */
export async function unsubscribeDeleted(
  deps: Deps,
  account: AccountRow,
  subscription: DeletedSubscription | null,
) {
  if (!subscription || !account.connector_profile_id) return;
  try {
    const connector = deps.connectors.get(account.provider);
    const del = connector?.events?.subscription?.delete;
    if (!del) return;
    const scope = { projectId: account.project_id, organizationId: 0 };
    const profile = await getProfile(deps, scope, account.connector_profile_id);
    const target = targetOf(deps, account, profile);
    await sendEventRequest(
      deps,
      new ProviderSession(deps, scope, target),
      del,
      { subscription_id: subscription.providerId },
      { notFoundIsOk: true, config: subscription.config },
    );
    deps.log.info(
      { account: account.id, provider: account.provider },
      "deleted a deleted account's event subscription",
    );
  } catch (err) {
    deps.log.warn(
      { account: account.id, provider: account.provider, err: (err as Error).message },
      "could not delete a deleted account's event subscription",
    );
  }
}
