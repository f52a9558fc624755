import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

/**
 * Slows down credential guessing: a client address that fails authentication `limit` times
 * within a window gets 429 (with Retry-After) for the rest of that window — before any lookup,
 * so the answer tells it nothing. Other addresses, and their valid keys, are not affected.
 * Per process: N processes allow N × limit, which still makes guessing pointless.
 */
export interface AuthLimiter {
  /** Throws 429 when the address is blocked. */
  check(req: FastifyRequest, reply: FastifyReply): void;
  fail(req: FastifyRequest): void;
}

export function createAuthLimiter(opts: { limit?: number; windowMs?: number; now?: () => number } = {}): AuthLimiter {
  const limit = opts.limit ?? 30;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const failures = new Map<string, { count: number; resetAt: number }>();
  const prune = () => {
    const t = now();
    for (const [ip, f] of failures) if (f.resetAt <= t) failures.delete(ip);
  };
  return {
    check(req, reply) {
      const f = failures.get(req.ip);
      if (!f || f.count < limit) return;
      const wait = f.resetAt - now();
      if (wait <= 0) {
        failures.delete(req.ip);
        return;
      }
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new AppError('rate_limited', 'Too many failed authentication attempts: try again later');
    },
    fail(req) {
      if (failures.size > 50_000) prune();
      const t = now();
      const f = failures.get(req.ip);
      if (!f || f.resetAt <= t) failures.set(req.ip, { count: 1, resetAt: t + windowMs });
      else f.count++;
    },
  };
}
