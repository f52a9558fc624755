import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../../core/deps.js';
import {
  ADMIN_SESSION_TTL_MS,
  authenticateAdminSession,
  createAdminSession,
  csrfTokenFor,
  csrfTokenMatches,
  deleteAdminSession,
  type AdminSession,
} from '../../../core/projects/admin-sessions.js';
import { AppError } from '../../../core/errors.js';
import { parseInput } from '../../errors.js';
import { adminCookieName, readCookie, setAdminCookie } from '../../admin-cookie.js';
import { CSRF_HEADER } from '../../auth.js';
import type { AuthLimiter } from '../../auth-limiter.js';
import { SIGN_IN_BODY_LIMIT } from '../../limits.js';
import type { dashboardSession } from '../../../contract/dashboard.js';

const signInBody = z
  .object({ api_key: z.string().trim().min(1, 'api_key: enter your API key').max(512) })
  .strict();

function sessionToWire(deps: Deps, sessionId: string, s: AdminSession): z.input<typeof dashboardSession> {
  return {
    project_id: s.scope.projectId,
    csrf_token: csrfTokenFor(sessionId),
    expires_at: s.expiresAt.toISOString(),
    public_url: deps.settings.publicUrl(),
    // Whether provider calls are recorded (SWITCHBOARD_REQUEST_LOGS): the Request logs page says so when not.
    request_logs: deps.settings.requestLogs.enabled,
  };
}

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

/**
 * `/dashboard/api/session`: sign in with a project API key (→ session cookie), read the current
 * session (the dashboard gets its CSRF token here after a reload), sign out.
 *
 * Sign-in itself needs no CSRF token: it takes a JSON body, which a cross-site form cannot send
 * (the server refuses every other content type), and a cross-site fetch would need CORS. Failed
 * sign-ins count against the client address like failed API keys (429 once over the limit).
 */
export function sessionRoutes(app: FastifyInstance, deps: Deps, limiter: AuthLimiter) {
  app.post('/dashboard/api/session', { bodyLimit: SIGN_IN_BODY_LIMIT }, async (req, reply) => {
    noStore(reply);
    const { api_key } = parseInput(signInBody, req.body);
    const created = await createAdminSession(deps, api_key);
    if (!created) {
      limiter.fail(req, reply);
      throw new AppError('ADMIN_KEY_INVALID', 'That API key is not valid for this server');
    }
    setAdminCookie(reply, deps, created.sessionId, ADMIN_SESSION_TTL_MS / 1000);
    return reply.status(201).send(sessionToWire(deps, created.sessionId, created.session));
  });

  app.get('/dashboard/api/session', async (req, reply) => {
    noStore(reply);
    const sessionId = readCookie(req, adminCookieName(deps));
    const session = sessionId ? await authenticateAdminSession(deps, sessionId) : null;
    if (!sessionId || !session) throw new AppError('ADMIN_SESSION_REQUIRED', 'Not signed in');
    return sessionToWire(deps, sessionId, session);
  });

  app.delete('/dashboard/api/session', async (req, reply) => {
    noStore(reply);
    const sessionId = readCookie(req, adminCookieName(deps));
    if (sessionId && (await authenticateAdminSession(deps, sessionId))) {
      if (!csrfTokenMatches(sessionId, req.headers[CSRF_HEADER]))
        throw new AppError('CSRF_TOKEN_INVALID', `Missing or invalid ${CSRF_HEADER} header`);
      await deleteAdminSession(deps, sessionId);
    }
    setAdminCookie(reply, deps, '', 0);
    return { signed_out: true };
  });
}
