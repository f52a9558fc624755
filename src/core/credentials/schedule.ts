import type { Connector } from '../../connectors/schema.js';

/** API-token accounts have their credentials re-checked this often. */
export const CHECK_INTERVAL_MS = 6 * 3600 * 1000;
/** Never refresh closer to expiry than this, nor earlier than a tenth of the token's life. */
const REFRESH_MARGIN_MS = 10 * 60 * 1000;
const MAX_RETRY_MS = 30 * 60 * 1000;

/**
 * When the worker should refresh an OAuth account: ahead of the access token's expiry, or for
 * tokens without one, often enough to keep an idle refresh token alive. Null: only on demand.
 */
export function nextRefreshAt(connector: Connector, now: Date, expiresAt: Date | null): Date | null {
  if (connector.auth.type !== 'oauth2') return null;
  if (expiresAt) {
    const life = expiresAt.getTime() - now.getTime();
    return new Date(expiresAt.getTime() - Math.min(REFRESH_MARGIN_MS, Math.max(0, life) / 10));
  }
  const days = connector.auth.keep_alive_days;
  return days ? new Date(now.getTime() + days * 24 * 3600 * 1000) : null;
}

export function nextCheckAt(connector: Connector, now: Date): Date | null {
  return connector.auth.type === 'api_key' ? new Date(now.getTime() + CHECK_INTERVAL_MS) : null;
}

/** Backoff after a transient refresh or check failure: 1 min, doubling, at most 30 min. */
export function retryAfterFailure(now: Date, failures: number): Date {
  return new Date(now.getTime() + Math.min(MAX_RETRY_MS, 60_000 * 2 ** Math.max(0, failures - 1)));
}
