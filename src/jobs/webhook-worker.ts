import pg from 'pg';
import type { Deps } from '../core/deps.js';
import { attemptDelivery, claimDue } from '../core/webhooks/delivery.js';
import { WEBHOOK_CHANNEL } from '../core/webhooks/events.js';

export interface Worker {
  /** Claims and attempts every due delivery once; returns how many were attempted. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 32;
const CONCURRENCY = 16;
const POLL_MS = 1_000;

/**
 * Delivers webhooks: woken by NOTIFY when an event commits, and by a 1 s poll for retries
 * that come due (and in case the LISTEN connection is down). Claims are leased rows, so any
 * number of these run in any number of processes without two attempting the same delivery.
 */
export function startWebhookWorker(deps: Deps, databaseUrl: string): Worker {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let wake: (() => void) | null = null;
  let listener: pg.Client | null = null;

  const runOnce = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const claimed = await claimDue(deps, BATCH);
      if (claimed.length === 0) return total;
      total += claimed.length;
      let i = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, async () => {
          while (i < claimed.length) {
            const d = claimed[i++]!;
            await attemptDelivery(deps, d).catch((err) => deps.log.error({ err, delivery: d.id }, 'webhook delivery bookkeeping failed'));
          }
        }),
      );
      if (stopped) return total;
    }
  };

  const listen = async () => {
    while (!stopped) {
      const client = new pg.Client({ connectionString: databaseUrl });
      try {
        client.on('error', () => undefined);
        await client.connect();
        client.on('notification', () => wake?.());
        await client.query(`LISTEN ${WEBHOOK_CHANNEL}`);
        listener = client;
        await new Promise<void>((resolve) => client.once('end', () => resolve()));
      } catch {
        // Database unavailable: the poll keeps working; try to listen again shortly.
      } finally {
        listener = null;
        await client.end().catch(() => undefined);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  const loop = async () => {
    while (!stopped) {
      running = runOnce().catch((err) => deps.log.warn({ err }, 'webhook worker pass failed'));
      await running;
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };

  void listen();
  void loop();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      wake?.();
      await listener?.end().catch(() => undefined);
      await running;
    },
  };
}
