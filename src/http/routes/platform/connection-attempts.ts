import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { countConnectionAttempts, listConnectionAttempts } from '../../../core/linking/attempt-list.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { listAttemptsQuery } from '../../../contract/attempts.js';

/** The project's link attempts, failures first among them: `GET /connection_attempts` (bare array, numbered pages). */
export function connectionAttemptRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/connection_attempts', async (req) =>
    listConnectionAttempts(deps, projectOf(req), parseInput(listAttemptsQuery, req.query, 'query')),
  );

  app.get('/connection_attempts/count', async (req) => {
    const q = parseInput(listAttemptsQuery, req.query, 'query');
    return { count: await countConnectionAttempts(deps, projectOf(req), q) };
  });
}
