import pg from 'pg';
import type { Deps } from '../core/deps.js';

export interface Worker {
  /** Claims and runs due jobs until none is left and none is in flight; returns how many were run. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export interface QueueSpec<J> {
  /** For log lines: "webhook delivery", "inbound event". */
  name: string;
  /** The NOTIFY channel that says work was committed. */
  channel: string;
  /** Jobs in flight at once in one process. */
  slots: number;
  /** Leases up to `n` due jobs. */
  claim(n: number): Promise<J[]>;
  run(job: J): Promise<unknown>;
  id(job: J): string;
}

const POLL_MS = 1_000;

/**
 * Runs a leased job queue: woken by NOTIFY when work commits, by a job that finishes (a slot
 * freed), and by a 1 s poll for retries that come due (and in case the LISTEN connection is
 * down). Claims are leased rows, so any number of these run in any number of processes without
 * two running the same job.
 *
 * The worker keeps up to `slots` jobs in flight and claims more as each one ends, never waiting
 * for a batch: a slow job holds only its own slot while the rest keep going (review M6).
 */
export function startQueueWorker<J>(deps: Deps, databaseUrl: string, spec: QueueSpec<J>): Worker {
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

  const start = (job: J) => {
    const p: Promise<void> = spec
      .run(job)
      .then(
        () => undefined,
        (err: unknown) => deps.log.error({ err, job: spec.id(job) }, `${spec.name} bookkeeping failed`),
      )
      .finally(() => {
        inFlight.delete(p);
        nudge();
      });
    inFlight.add(p);
  };

  /** Claims jobs into the free slots; returns how many were claimed. */
  const fill = async (): Promise<number> => {
    let claimed = 0;
    while (!stopped && inFlight.size < spec.slots) {
      const free = spec.slots - inFlight.size;
      const batch = await spec.claim(free);
      for (const job of batch) start(job);
      claimed += batch.length;
      // Fewer than asked for: nothing more is due (or the rest is capped).
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
        await client.query(`LISTEN ${spec.channel}`);
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
      await fill().catch((err: unknown) => deps.log.warn({ err }, `${spec.name} claim failed`));
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
