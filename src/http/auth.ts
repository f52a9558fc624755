import type { FastifyReply, FastifyRequest } from 'fastify';
import { createAuthLimiter, type AuthLimiter } from './auth-limiter.js';
import type { Deps, ProjectScope } from '../core/deps.js';
import { hotCache } from '../core/provider-calls/hot-cache.js';
import { authenticateAdminSession, csrfTokenMatches } from '../core/projects/admin-sessions.js';
import { AppError } from '../core/errors.js';
import { adminCookieName, readCookie } from './admin-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    project?: ProjectScope;
  }
}

/** The API key from `Authorization: Basic base64(key:)` (StackOne's convention) or `Bearer key`. */
export function apiKeyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const idx = decoded.indexOf(':');
    return (idx === -1 ? decoded : decoded.slice(0, idx)) || null;
  }
  if (scheme?.toLowerCase() === 'bearer') return value;
  return null;
}

/** The header the dashboard sends its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The dashboard's way in: its session cookie, plus the session's CSRF token in a header for
 * anything that changes state. Only used when the request carries no Authorization header.
 */
async function projectFromAdminSession(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  limiter: AuthLimiter,
): Promise<ProjectScope> {
  const session = await authenticateAdminSession(deps, sessionId);
  if (!session) {
    limiter.fail(req, reply);
    throw new AppError('ADMIN_SESSION_REQUIRED', 'Your dashboard session has ended: sign in again');
  }
  if (!SAFE_METHODS.has(req.method) && !csrfTokenMatches(sessionId, req.headers[CSRF_HEADER])) {
    throw new AppError('CSRF_TOKEN_INVALID', `Missing or invalid ${CSRF_HEADER} header`);
  }
  return session.scope;
}

/**
 * preHandler for the platform API: resolves the caller's project or answers 401. An API key in
 * the Authorization header always decides; without one, a dashboard session cookie may.
 */
export function requireApiKey(deps: Deps, limiter: AuthLimiter = createAuthLimiter()) {
  const cache = hotCache(deps);
  const fromKey = async (req: FastifyRequest, reply: FastifyReply, key: string | null) => {
    // Cached per process, dropped on any change to API keys (PostgreSQL NOTIFY): see core/cache.ts.
    const scope = key ? await cache.apiKey(key) : null;
    if (!scope) {
      if (key) limiter.fail(req, reply);
      throw new AppError(
        'UNAUTHORIZED',
        key ? 'Invalid API key' : 'Missing credentials: use HTTP Basic with your API key as the username',
      );
    }
    req.project = scope;
  };
  const slow = async (req: FastifyRequest, reply: FastifyReply, key: string | null) => {
    if (!req.headers.authorization) {
      const sessionId = readCookie(req, adminCookieName(deps));
      if (sessionId) {
        req.project = await projectFromAdminSession(deps, req, reply, sessionId, limiter);
        return;
      }
    }
    await fromKey(req, reply, key);
  };
  // A known API key is answered without a promise (the common case on every call).
  return (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    let key: string | null;
    try {
      key = apiKeyFromHeader(req.headers.authorization);
      const hit = key ? cache.cachedApiKey(key) : undefined;
      if (hit) {
        req.project = hit;
        return done();
      }
    } catch (err) {
      return done(err as Error);
    }
    slow(req, reply, key).then(() => done(), done);
  };
}

export function projectOf(req: FastifyRequest): ProjectScope {
  if (!req.project) throw new AppError('UNAUTHORIZED', 'Unauthorized');
  return req.project;
}
