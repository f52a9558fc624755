import { describe, expect, it } from 'vitest';
import { loadConnectors } from '../../connectors/loader.js';
import { CHECK_INTERVAL_MS, nextCheckAt, nextRefreshAt, retryAfterFailure } from './schedule.js';

const registry = await loadConnectors();
const salesforce = registry.get('salesforce')!;
const oauth = registry.list().find((c) => c.auth.type === 'oauth2' && c.key !== 'salesforce')!;
const apiKey = registry.list().find((c) => c.auth.type === 'api_key')!;
const now = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const MIN = 60_000;

describe('nextRefreshAt', () => {
  it('refreshes 10 minutes before a long-lived token expires, never before a tenth of its life', () => {
    expect(nextRefreshAt(oauth, now, at(2 * 3600_000))).toEqual(at(2 * 3600_000 - 10 * MIN));
    expect(nextRefreshAt(oauth, now, at(3600_000))).toEqual(at(54 * MIN));
  });

  it('refreshes a short-lived token after nine tenths of its life', () => {
    expect(nextRefreshAt(oauth, now, at(60_000))).toEqual(at(54_000));
  });

  it('refreshes an already expired token at once (its expiry)', () => {
    expect(nextRefreshAt(oauth, now, at(-5000))).toEqual(at(-5000));
  });

  it('keeps a token without expiry alive when the connector says so, else only on demand', () => {
    expect(salesforce.auth.type === 'oauth2' && salesforce.auth.keep_alive_days).toBe(30);
    expect(nextRefreshAt(salesforce, now, null)).toEqual(at(30 * 24 * 3600_000));
    expect(oauth.auth.type === 'oauth2' && oauth.auth.keep_alive_days).toBeNull();
    expect(nextRefreshAt(oauth, now, null)).toBeNull();
  });

  it('never schedules a refresh for an API-key connector', () => {
    expect(nextRefreshAt(apiKey, now, at(3600_000))).toBeNull();
  });
});

describe('nextCheckAt and retryAfterFailure', () => {
  it('re-checks API keys every 6 hours, OAuth accounts never', () => {
    expect(nextCheckAt(apiKey, now)).toEqual(at(CHECK_INTERVAL_MS));
    expect(nextCheckAt(oauth, now)).toBeNull();
  });

  it('backs off 1 minute, doubling, at most 30 minutes', () => {
    expect([0, 1, 2, 3, 5, 6, 20].map((n) => retryAfterFailure(now, n).getTime() - now.getTime())).toEqual([
      MIN,
      MIN,
      2 * MIN,
      4 * MIN,
      16 * MIN,
      30 * MIN,
      30 * MIN,
    ]);
  });
});
