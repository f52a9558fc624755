import type { Deps } from '../core/deps.js';
import { attemptDelivery, claimDue } from '../core/webhooks/delivery.js';
import { WEBHOOK_CHANNEL } from '../core/webhooks/events.js';
import { startQueueWorker, type Worker } from './queue-worker.js';

export type { Worker };

/**
 * Delivers webhooks (see queue-worker.ts for the wake-ups and slots). A receiver that takes its
 * full timeout holds only its own slots (at most `ENDPOINT_CONCURRENCY` of them, see `claimDue`).
 */
export function startWebhookWorker(deps: Deps, databaseUrl: string): Worker {
  return startQueueWorker(deps, databaseUrl, {
    name: 'webhook delivery',
    channel: WEBHOOK_CHANNEL,
    slots: 32,
    claim: (n) => claimDue(deps, n),
    run: (d) => attemptDelivery(deps, d),
    id: (d) => d.id,
  });
}
