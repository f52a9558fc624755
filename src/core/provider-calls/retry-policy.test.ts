import { describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from './retry-policy.js';

const now = new Date('2026-01-01T00:00:00Z');

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs(' 7 ', now)).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  it('never waits a negative time for a date in the past', () => {
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it.each([[undefined], [''], ['soon'], ['in a minute']])('ignores %s', (value) => {
    expect(retryAfterMs(value, now)).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles from 250 ms up to 8 s, plus under 100 ms of jitter', () => {
    for (const [attempt, base] of [
      [1, 250],
      [2, 500],
      [3, 1000],
      [4, 2000],
      [6, 8000],
      [10, 8000],
    ] as const) {
      for (let i = 0; i < 20; i++) {
        const ms = backoffMs(attempt);
        expect(ms).toBeGreaterThanOrEqual(base);
        expect(ms).toBeLessThan(base + 100);
      }
    }
  });
});
