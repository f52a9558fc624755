import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { ProviderCallGate } from './limits.js';

describe('ProviderCallGate', () => {
  const origin = 'https://api.example.com';

  it("refuses an account's call over its share with 429 and Retry-After, and frees the slot on release", () => {
    const gate = new ProviderCallGate({ perProject: 3, perAccount: 2 });
    const a = gate.acquire(origin, 'p1', 'acc1', 'Oneflow');
    gate.acquire(origin, 'p1', 'acc1', 'Oneflow');
    let refused: unknown;
    try {
      gate.acquire(origin, 'p1', 'acc1', 'Oneflow');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'CONCURRENCY_LIMITED',
      status: 429,
      provider: { headers: { 'retry-after': '1' } },
    });
    a();
    a(); // a second release changes nothing
    expect(gate.count(origin, 'account', 'acc1')).toBe(1);
    expect(() => gate.acquire(origin, 'p1', 'acc1', 'Oneflow')).not.toThrow();
  });

  it("counts a project's accounts together, per origin; other projects and origins are unaffected", () => {
    const gate = new ProviderCallGate({ perProject: 2, perAccount: 2 });
    gate.acquire(origin, 'p1', 'acc1', 'Oneflow');
    gate.acquire(origin, 'p1', 'acc2', 'Oneflow');
    expect(() => gate.acquire(origin, 'p1', 'acc3', 'Oneflow')).toThrow(
      'This project already has 2 calls in flight to Oneflow',
    );
    expect(() => gate.acquire(origin, 'p2', 'acc4', 'Oneflow')).not.toThrow();
    expect(() => gate.acquire('https://other.example.com', 'p1', 'acc1', 'Oneflow')).not.toThrow();
    // A refused call takes no slot.
    expect(gate.count(origin, 'project', 'p1')).toBe(2);
  });
});
