import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATE_LIMIT,
  isRateLimited,
  rateLimitRuleFor,
  rateLimitRules,
  rateLimitRulesSchema,
  rateLimitSchema,
  rateLimitWaitMs,
  retryAfterSeconds,
  type RateLimit,
} from './rate-limit.js';

const now = new Date('2026-01-01T00:00:00Z');
const wait = (value: string | undefined) =>
  rateLimitWaitMs(DEFAULT_RATE_LIMIT, { 'retry-after': value }, now);

describe('the default rule: 429 and Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(wait('0')).toBe(0);
    expect(wait(' 7 ')).toBe(7000);
    expect(wait('Thu, 01 Jan 2026 00:00:30 GMT')).toBe(30_000);
  });

  it('never waits a negative time for a date in the past', () => {
    expect(wait('Wed, 31 Dec 2025 23:59:00 GMT')).toBe(0);
  });

  it.each([[undefined], [''], ['soon'], ['in a minute']])('ignores %s', (value) => {
    expect(wait(value)).toBeNull();
  });

  it('counts 429 only', () => {
    expect(isRateLimited(DEFAULT_RATE_LIMIT, 429, {})).toBe(true);
    expect(isRateLimited(DEFAULT_RATE_LIMIT, 403, { 'x-ratelimit-remaining': '0' })).toBe(false);
    expect(isRateLimited(DEFAULT_RATE_LIMIT, 503, {})).toBe(false);
  });
});

describe('a declared rule', () => {
  const github = rateLimitSchema.parse({
    statuses: [403, 429],
    when_header: { name: 'X-RateLimit-Remaining', equals: '0' },
    retry_after: { header: 'X-RateLimit-Reset', format: 'unix_seconds' },
  });

  it('counts another status only with the declared header', () => {
    expect(isRateLimited(github, 403, { 'x-ratelimit-remaining': '0' })).toBe(true);
    expect(isRateLimited(github, 403, { 'x-ratelimit-remaining': '12' })).toBe(false);
    expect(isRateLimited(github, 403, {})).toBe(false);
    expect(isRateLimited(github, 401, { 'x-ratelimit-remaining': '0' })).toBe(false);
    // A 429 is a rate limit whatever its headers say.
    expect(rateLimitRuleFor([github], 429, {})).toBe(github);
    expect(rateLimitRuleFor([github], 403, {})).toBeNull();
  });

  it('reads the reset time from the declared header and format', () => {
    const at = String(now.getTime() / 1000 + 42);
    expect(rateLimitWaitMs(github, { 'x-ratelimit-reset': at }, now)).toBe(42_000);
    expect(rateLimitWaitMs(github, { 'retry-after': '5' }, now)).toBeNull();
    const ms = rateLimitSchema.parse({ retry_after: { header: 'x-reset', format: 'unix_ms' } });
    expect(rateLimitWaitMs(ms, { 'x-reset': String(now.getTime() + 1500) }, now)).toBe(1500);
    const date = rateLimitSchema.parse({ retry_after: { format: 'http_date' } });
    expect(rateLimitWaitMs(date, { 'retry-after': '30' }, now)).toBeNull();
    const seconds = rateLimitSchema.parse({ retry_after: { format: 'seconds' } });
    expect(rateLimitWaitMs(seconds, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBeNull();
  });

  it('hands a wait on as whole seconds, at least one', () => {
    expect(retryAfterSeconds(0)).toBe('1');
    expect(retryAfterSeconds(1001)).toBe('2');
    expect(retryAfterSeconds(3_600_000)).toBe('3600');
  });

  it('refuses statuses that cannot be rate limits and unknown keys', () => {
    expect(rateLimitSchema.safeParse({ statuses: [200] }).success).toBe(false);
    expect(rateLimitSchema.safeParse({ retry_after: { header: 'x', fromat: 'seconds' } }).success).toBe(
      false,
    );
  });
});

describe('several rules, tried in order', () => {
  const [primary, secondary] = rateLimitRules(
    rateLimitRulesSchema.parse([
      {
        statuses: [403, 429],
        when_header: { name: 'x-ratelimit-remaining', equals: '0' },
        retry_after: { header: 'x-ratelimit-reset', format: 'unix_seconds' },
      },
      {
        statuses: [403, 429],
        when_header: { name: 'retry-after' },
        retry_after: { header: 'retry-after', format: 'seconds' },
      },
    ]),
  ) as [RateLimit, RateLimit];
  const rules = [primary, secondary];

  it('picks the first rule whose header matches, and reads its own retry header', () => {
    const reset = String(now.getTime() / 1000 + 60);
    const a = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': '5' };
    expect(rateLimitRuleFor(rules, 403, a)).toBe(primary);
    expect(rateLimitWaitMs(primary, a, now)).toBe(60_000);
    const b = { 'x-ratelimit-remaining': '4000', 'retry-after': '5' };
    expect(rateLimitRuleFor(rules, 403, b)).toBe(secondary);
    expect(rateLimitWaitMs(secondary, b, now)).toBe(5000);
  });

  it('leaves a 403 with neither header alone (a missing permission is not waited on)', () => {
    expect(rateLimitRuleFor(rules, 403, { 'x-ratelimit-remaining': '12' })).toBeNull();
    expect(rateLimitRuleFor(rules, 403, { 'retry-after': '' })).toBeNull();
  });

  it('takes one rule as a list of one, and the default when none is declared', () => {
    expect(rateLimitRules(primary)).toEqual([primary]);
    expect(rateLimitRules(undefined)).toEqual([DEFAULT_RATE_LIMIT]);
    expect(rateLimitRulesSchema.safeParse([]).success).toBe(false);
  });
});
