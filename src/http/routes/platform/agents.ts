import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { listToolFeedback, submitToolFeedback } from '../../../core/agents/tool-feedback.js';
import { listToolFeedbackQuery, toolFeedbackBody } from '../../../contract/agents.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';

/** `/ai/tool-feedback`: what agents say about tools (StackOne's SDK posts it), and our list of it. */
export function agentRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/ai/tool-feedback', async (req) =>
    submitToolFeedback(deps, projectOf(req), parseInput(toolFeedbackBody, req.body), req.id),
  );
  app.get('/ai/tool-feedback', async (req) =>
    listToolFeedback(deps, projectOf(req), parseInput(listToolFeedbackQuery, req.query, 'query')),
  );
}
