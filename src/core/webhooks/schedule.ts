/** Deliveries are retried for at least this long before they are marked `failed`. */
export const RETRY_WINDOW_MS = 24 * 3600 * 1000;
/** A receiver has this long to answer 2xx. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** An endpoint whose last attempt got no answer in time gets this long instead. */
export const TIMING_OUT_DELIVERY_TIMEOUT_MS = 5_000;
/** A claimed delivery is leased for this long; a worker that dies loses it after the lease. */
export const LEASE_MS = 30_000;
/**
 * At most this many deliveries to one endpoint are in flight at once, over all workers: a
 * receiver that never answers holds this many delivery slots, not all of them (review M6).
 */
export const ENDPOINT_CONCURRENCY = 8;

const FIRST_DELAY_MS = 5_000;
const MAX_DELAY_MS = 3600 * 1000;
const FIRST_PAUSE_MS = 5_000;
const MAX_PAUSE_MS = 5 * 60_000;

/**
 * Delay before attempt `n + 1` after `n` failed attempts: exponential from 5 s, capped at 1 h,
 * with ±20 % jitter so a recovering receiver is not hit by every retry at once.
 */
export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * How long an endpoint is left alone after `n` attempts in a row got no answer in time:
 * 5 s, doubling, at most 5 min. Its deliveries stay queued (and their retry windows run);
 * any answer from the receiver, even an error status, ends the pause.
 */
export function endpointPauseMs(consecutiveTimeouts: number): number {
  return Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.max(0, consecutiveTimeouts - 1));
}
