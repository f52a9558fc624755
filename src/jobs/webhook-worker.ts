import pg from 'pg';
import type { Deps } from '../core/deps.js';
import { attemptDelivery, claimDue } from '../core/webhooks/delivery.js';
import { WEBHOOK_CHANNEL } from '../core/webhooks/events.js';

export interface Worker {
  /** Claims and attempts due deliveries until none is left and none is in flight; returns how many were attempted. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Deliveries in flight at once in one process. */
const SLOTS = 32;
const POLL_MS = 1_000;

/**
 * Delivers webhooks: woken by NOTIFY when an event commits, by a delivery that finishes (a slot
 * freed), and by a 1 s poll for retries that come due (and in case the LISTEN connection is
 * down). Claims are leased rows, so any number of these run in any number of processes without
 * two attempting the same delivery.
 *
 * The worker keeps up to `SLOTS` deliveries in flight and claims more as each one ends, never
 * waiting for a batch: a receiver that takes its full timeout holds only its own slots (at most
 * `ENDPOINT_CONCURRENCY` of them, see `claimDue`) while the rest keep delivering (review M6).
 */
export function startWebhookWorker(deps: Deps, databaseUrl: string): Worker {
  let stopped = false;
  let listener: pg.Client | null = null;
  const inFlight = new Set<Promise<void>>();
  // Set by anything that may make a claim worthwhile; the loop sleeps only when it is clear.
  let nudged = false;
  let wake: (() => void) | null = null;
  const nudge = () => {
    nudged = true;
    const w = wake;
    wake = null;
    w?.();
  };

  const start = (d: Awaited<ReturnType<typeof claimDue>>[number]) => {
    const p: Promise<void> = attemptDelivery(deps, d)
      .then(
        () => undefined,
        (err: unknown) => deps.log.error({ err, delivery: d.id }, 'webhook delivery bookkeeping failed'),
      )
      .finally(() => {
        inFlight.delete(p);
        nudge();
      });
    inFlight.add(p);
  };

  /** Claims deliveries into the free slots; returns how many were claimed. */
  const fill = async (): Promise<number> => {
    let claimed = 0;
    while (!stopped && inFlight.size < SLOTS) {
      const free = SLOTS - inFlight.size;
      const batch = await claimDue(deps, free);
      for (const d of batch) start(d);
      claimed += batch.length;
      // Fewer than asked for: nothing more is due (or the rest is at its endpoint's cap).
      if (batch.length < free) break;
    }
    return claimed;
  };

  const runOnce = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      total += await fill();
      if (inFlight.size === 0 || stopped) return total;
      await Promise.race(inFlight);
    }
  };

  const listen = async () => {
    while (!stopped) {
      const client = new pg.Client({ connectionString: databaseUrl });
      try {
        client.on('error', () => undefined);
        await client.connect();
        client.on('notification', nudge);
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
      nudged = false;
      await fill().catch((err: unknown) => deps.log.warn({ err }, 'webhook worker claim failed'));
      if (stopped) break;
      if (nudged) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
    await Promise.allSettled([...inFlight]);
  };

  void listen();
  const running = loop();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      nudge();
      await listener?.end().catch(() => undefined);
      await running;
    },
  };
}
