import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../../core/deps.js';
import { authenticateSessionToken, createConnectSession, createSessionSchema, sessionToWire } from '../../../core/connect-sessions.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { notFound } from '../../../core/errors.js';
import { connectionAttemptRoutes } from './connection-attempts.js';

export function connectSessionRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/connect_sessions', async (req, reply) => {
    const input = parseInput(createSessionSchema, req.body);
    const { session, token, authLinkUrl } = await createConnectSession(deps, projectOf(req), input);
    return reply.status(201).send({ ...sessionToWire(session), token, auth_link_url: authLinkUrl });
  });

  app.post('/connect_sessions/authenticate', async (req, reply) => {
    const { token } = parseInput(z.object({ token: z.string().min(1).max(512) }), req.body);
    const session = await authenticateSessionToken(deps, token);
    // A token of another project is as unknown as a made-up one.
    if (session.project_id !== projectOf(req).projectId) throw notFound('Connect session');
    return reply.status(201).send(sessionToWire(session));
  });

  // What became of the links: the attempts the sessions' end users made.
  connectionAttemptRoutes(app, deps);
}
