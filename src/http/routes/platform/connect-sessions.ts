import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import {
  authenticateSessionToken,
  createConnectSession,
  sessionToWire,
} from '../../../core/linking/connect-sessions.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { AppError } from '../../../core/errors.js';
import { connectionAttemptRoutes } from './connection-attempts.js';
import { authenticateSessionBody, createSessionSchema } from '../../../contract/connect-sessions.js';

export function connectSessionRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/connect_sessions', async (req, reply) => {
    const input = parseInput(createSessionSchema, req.body);
    const { session, token, authLinkUrl } = await createConnectSession(deps, projectOf(req), input);
    return reply.status(201).send({ ...sessionToWire(session), token, auth_link_url: authLinkUrl });
  });

  app.post('/connect_sessions/authenticate', async (req, reply) => {
    const { token } = parseInput(authenticateSessionBody, req.body);
    const session = await authenticateSessionToken(deps, token);
    // A token of another project is as unknown as a made-up one.
    if (session.project_id !== projectOf(req).projectId)
      throw new AppError('CONNECT_SESSION_NOT_FOUND', 'Connect session not found');
    return reply.status(201).send(sessionToWire(session));
  });

  // Ours: ends a connect session at once (a link sent to the wrong person, a leaked Auth Link).
  // Its token stops working everywhere; attempts in flight cannot finish (their callback checks it).
  app.delete<{ Params: { id: string } }>('/connect_sessions/:id', async (req) => {
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : null;
    const { rows } =
      id === null
        ? { rows: [] }
        : await deps.db.query<{ id: number; expires_at: Date }>(
            `UPDATE connect_sessions SET expires_at = LEAST(expires_at, $3) WHERE id = $1 AND project_id = $2 RETURNING id, expires_at`,
            [id, projectOf(req).projectId, deps.clock()],
          );
    if (!rows[0]) throw new AppError('CONNECT_SESSION_NOT_FOUND', 'Connect session not found');
    return { id: rows[0].id, expires_at: rows[0].expires_at.toISOString(), revoked: true };
  });

  // What became of the links: the attempts the sessions' end users made.
  connectionAttemptRoutes(app, deps);
}
