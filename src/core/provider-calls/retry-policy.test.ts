import { describe, expect, it } from 'vitest';
import { backoffMs } from './retry-policy.js';

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
