import { z } from 'zod';

/**
 * How a provider says "too many requests" and when to try again. Without a declaration a 429 is a
 * rate limit and `Retry-After` (delta-seconds or an HTTP date) says when; providers that answer
 * another status (GitHub's 403 with `x-ratelimit-remaining: 0`) or name the time in another
 * header (`x-ratelimit-reset`, epoch seconds) declare it here.
 */
export const rateLimitSchema = z
  .strictObject({
    statuses: z
      .array(z.number().int().min(400).max(599))
      .min(1)
      .default([429])
      .describe(
        'The statuses that can mean "rate limited", e.g. `[403, 429]`. A status other than 429 counts only with `when_header`.',
      ),
    when_header: z
      .strictObject({
        name: z.string().min(1).describe('A response header, e.g. `x-ratelimit-remaining`.'),
        equals: z
          .string()
          .optional()
          .describe('Its value on a rate-limited answer, e.g. `0`. Left out: the header is there at all.'),
      })
      .optional()
      .describe(
        'What else a rate-limited answer carries, so that a 403 for a missing permission is not waited on. A 429 needs no such header.',
      ),
    retry_after: z
      .strictObject({
        header: z
          .string()
          .min(1)
          .default('retry-after')
          .describe('The response header that says when to try again, e.g. `x-ratelimit-reset`.'),
        format: z
          .enum(['seconds', 'http_date', 'unix_seconds', 'unix_ms'])
          .optional()
          .describe(
            'How its value reads: `seconds` to wait, an `http_date`, or the time to try again as `unix_seconds` or `unix_ms`. Left out: seconds or an HTTP date.',
          ),
      })
      .default({ header: 'retry-after' })
      .describe('When to try again.'),
    limit: z
      .string()
      .optional()
      .describe(
        'The documented limit in words, for the people who read the file, e.g. "100 requests per 10 seconds per app and account".',
      ),
  })
  .refine((r) => r.when_header || r.statuses.every((s) => s === 429), {
    message: 'a status other than 429 counts as a rate limit only with when_header',
    path: ['when_header'],
  })
  .describe(
    "How the provider signals a rate limit. Switchboard waits and tries again when the wait fits the call's lifetime; otherwise the caller gets 429 with Retry-After in seconds.",
  );
export type RateLimit = z.infer<typeof rateLimitSchema>;

/**
 * One rule, or several tried in order: the first whose status and header match says when to try
 * again (GitHub's primary limit names `x-ratelimit-reset`, its secondary one `retry-after`).
 */
export const rateLimitRulesSchema = z
  .union([rateLimitSchema, z.array(rateLimitSchema).min(1).max(5)])
  .describe(
    "How the provider signals a rate limit: one rule, or a list tried in order, the first that matches an answer deciding the wait. Switchboard waits and tries again when the wait fits the call's lifetime; otherwise the caller gets 429 with Retry-After in seconds.",
  );
export type RateLimitRules = z.infer<typeof rateLimitRulesSchema>;

/** What a connector without a declaration gets: 429 and `Retry-After`. */
export const DEFAULT_RATE_LIMIT: RateLimit = { statuses: [429], retry_after: { header: 'retry-after' } };

/** A connector's rules as a list (the default rule when it declares none). */
export const rateLimitRules = (declared: RateLimitRules | undefined): RateLimit[] =>
  declared === undefined ? [DEFAULT_RATE_LIMIT] : Array.isArray(declared) ? declared : [declared];

type Headers = Record<string, string | string[] | undefined>;

const headerValue = (headers: Headers, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Whether an answer is a rate limit under one rule. */
export function isRateLimited(rule: RateLimit, status: number, headers: Headers): boolean {
  if (!rule.statuses.includes(status)) return false;
  const w = rule.when_header;
  if (!w) return status === 429;
  const value = headerValue(headers, w.name)?.trim();
  return w.equals === undefined ? !!value : value === w.equals;
}

/**
 * The first rule an answer matches, or null when it is no rate limit. A 429 is always one: when
 * no rule's header matches it, the last rule's `retry_after` is read.
 */
export function rateLimitRuleFor(rules: RateLimit[], status: number, headers: Headers): RateLimit | null {
  const hit = rules.find((r) => isRateLimited(r, status, headers));
  if (hit) return hit;
  return status === 429 && rules.some((r) => r.statuses.includes(429)) ? rules.at(-1)! : null;
}

/** The time to wait before trying again, in milliseconds, or null when the answer does not say. */
export function rateLimitWaitMs(rule: RateLimit, headers: Headers, now: Date): number | null {
  const raw = headerValue(headers, rule.retry_after.header)?.trim();
  if (!raw) return null;
  const number = /^\d{1,16}(\.\d+)?$/.test(raw) ? Number(raw) : null;
  const fromTime = (at: number) => Math.max(0, at - now.getTime());
  switch (rule.retry_after.format) {
    case 'seconds':
      return number === null ? null : number * 1000;
    case 'unix_seconds':
      return number === null ? null : fromTime(number * 1000);
    case 'unix_ms':
      return number === null ? null : fromTime(number);
    case 'http_date': {
      const at = Date.parse(raw);
      return Number.isNaN(at) ? null : fromTime(at);
    }
    default: {
      if (number !== null) return number * 1000;
      const at = Date.parse(raw);
      return Number.isNaN(at) ? null : fromTime(at);
    }
  }
}

/** A wait as a `Retry-After` value: whole seconds, at least 1. */
export const retryAfterSeconds = (ms: number): string => String(Math.max(1, Math.ceil(ms / 1000)));
