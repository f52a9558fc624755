import type { FastifyRequest } from 'fastify';
import type { Deps, ProjectScope } from '../core/deps.js';
import { authenticateApiKey } from '../core/api-keys.js';
import { unauthorized } from '../core/errors.js';

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

/** preHandler for the platform API: resolves the caller's project or answers 401. */
export function requireApiKey(deps: Deps) {
  return async (req: FastifyRequest) => {
    const key = apiKeyFromHeader(req.headers.authorization);
    const scope = key ? await authenticateApiKey(deps.db, key) : null;
    if (!scope) throw unauthorized(key ? 'Invalid API key' : 'Missing credentials: use HTTP Basic with your API key as the username');
    req.project = scope;
  };
}

export function projectOf(req: FastifyRequest): ProjectScope {
  if (!req.project) throw unauthorized();
  return req.project;
}
