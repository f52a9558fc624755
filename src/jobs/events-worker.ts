import type { Deps } from '../core/deps.js';
import { EVENTS_CHANNEL } from '../core/events/inbound.js';
import { claimInboundEvents, processInboundEvent, type InboundEventRow } from '../core/events/process.js';
import { claimDueSubscriptions, reconcileSubscription } from '../core/events/subscriptions.js';
import { startQueueWorker, type Worker } from './queue-worker.js';

type Job = { kind: 'event'; row: InboundEventRow } | { kind: 'subscription'; accountId: string };

/**
 * Connector events (see queue-worker.ts for the wake-ups and slots): stored provider events are
 * hydrated and emitted, and programmatic subscriptions are created, replaced or deleted.
 */
export function startEventsWorker(deps: Deps, databaseUrl: string): Worker {
  return startQueueWorker<Job>(deps, databaseUrl, {
    name: 'connector event',
    channel: EVENTS_CHANNEL,
    slots: 16,
    claim: async (n) => {
      const subs = await claimDueSubscriptions(deps, Math.min(n, 4));
      const rows = n > subs.length ? await claimInboundEvents(deps, n - subs.length) : [];
      return [
        ...subs.map((accountId) => ({ kind: 'subscription' as const, accountId })),
        ...rows.map((row) => ({ kind: 'event' as const, row })),
      ];
    },
    run: (job) =>
      job.kind === 'event' ? processInboundEvent(deps, job.row) : reconcileSubscription(deps, job.accountId),
    id: (job) => (job.kind === 'event' ? job.row.id : job.accountId),
  });
}
