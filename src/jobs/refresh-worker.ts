import type { Deps } from '../core/deps.js';
import { refreshAccount } from '../core/credentials/refresh.js';
import { checkDueAccounts } from '../core/credentials/checks.js';
import { housekeeping } from './housekeeping.js';

export interface RefreshWorker {
  /** Refreshes every due token and checks every due API-token account once. */
  runOnce(): Promise<{ refreshed: number; checked: number }>;
  stop(): Promise<void>;
}

const POLL_MS = 5_000;
const BATCH = 100;
const CONCURRENCY = 8;
const HOUSEKEEPING_MS = 60_000;

/**
 * Keeps credentials alive: refreshes OAuth tokens ahead of expiry (the due time is indexed, so
 * each pass reads only due accounts) and re-checks API tokens. Every process runs one; the
 * refresh itself is serialised per account in PostgreSQL, so two workers never refresh twice.
 */
export function startRefreshWorker(deps: Deps): RefreshWorker {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let lastHousekeeping = Number.NEGATIVE_INFINITY;

  const runOnce = async () => {
    const { rows } = await deps.db.query<{ id: string }>(
      "SELECT id FROM accounts WHERE status = 'active' AND next_refresh_at <= $1 ORDER BY next_refresh_at LIMIT $2",
      [deps.clock(), BATCH],
    );
    let refreshed = 0;
    let i = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, rows.length) }, async () => {
        while (i < rows.length) {
          const { id } = rows[i++]!;
          const outcome = await refreshAccount(deps, id, null).catch(() => 'failed');
          if (outcome === 'refreshed') refreshed++;
        }
      }),
    );
    const checked = await checkDueAccounts(deps);
    if (deps.timers.now() - lastHousekeeping >= HOUSEKEEPING_MS) {
      lastHousekeeping = deps.timers.now();
      await housekeeping(deps).catch((err) =>
        deps.log.warn({ err: (err as Error).message }, 'housekeeping failed'),
      );
    }
    return { refreshed, checked };
  };

  const tick = () => {
    if (stopped) return;
    current = runOnce()
      .catch((err) => deps.log.warn({ err: (err as Error).message }, 'refresh worker pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, POLL_MS);
      });
  };
  timer = setTimeout(tick, 200);

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
