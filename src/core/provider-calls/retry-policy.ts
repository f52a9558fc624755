/**
 * When a provider call is tried again. A 429 always (the provider did not process the request);
 * a 5xx or a dropped connection only for idempotent methods, which cannot do a thing twice.
 */
export const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
export const RETRIED_5XX = new Set([500, 502, 503, 504]);
export const RETRIED_SOCKET_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
export const MAX_ATTEMPTS = 5;

/** Exponential backoff with jitter: 250 ms, 500 ms, 1 s, 2 s … capped at 8 s. */
export const backoffMs = (attempt: number, random: () => number = Math.random) =>
  Math.min(8000, 250 * 2 ** (attempt - 1)) + Math.floor(random() * 100);
