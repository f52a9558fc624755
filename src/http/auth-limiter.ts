import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

/**
 * Slows down credential guessing: a client that fails authentication `limit` times within a
 * window gets 429 (with Retry-After) instead of 401 on its further failures for the rest of that
 * window. It only ever answers failures: credentials are checked first, and valid ones always
 * pass, so a client that shares an address with a guesser (everyone behind a proxy that is not
 * trusted, see SWITCHBOARD_TRUST_PROXY) is never locked out. Guessing gains nothing from that:
 * keys and session tokens carry 256 random bits.
 *
 * The client is `req.ip`: the socket's address, or the address the trusted proxies forwarded.
 * Per process: N processes allow N × limit.
 */
export interface AuthLimiter {
  /** Records a failed authentication; throws 429 once the client is over the limit. */
  fail(req: FastifyRequest, reply: FastifyReply): void;
}

export function createAuthLimiter(
  opts: { limit?: number; windowMs?: number; now?: () => number } = {},
): AuthLimiter {
  const limit = opts.limit ?? 30;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const failures = new Map<string, { count: number; resetAt: number }>();
  const prune = () => {
    const t = now();
    for (const [ip, f] of failures) if (f.resetAt <= t) failures.delete(ip);
  };
  return {
    fail(req, reply) {
      if (failures.size > 50_000) prune();
      const t = now();
      let f = failures.get(req.ip);
      if (!f || f.resetAt <= t) {
        f = { count: 0, resetAt: t + windowMs };
        failures.set(req.ip, f);
      }
      f.count++;
      if (f.count <= limit) return;
      reply.header('retry-after', String(Math.max(1, Math.ceil((f.resetAt - t) / 1000))));
      throw new AppError('AUTH_RATE_LIMITED', 'Too many failed authentication attempts: try again later');
    },
  };
}
