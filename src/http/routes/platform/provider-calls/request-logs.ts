import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../../core/deps.js';
import type { RequestLogWriter } from '../../../../core/logs/request-logs/writer.js';
import { getLog, listLogs, listStepLogs } from '../../../../core/logs/request-logs/query.js';
import { parseInput } from '../../../errors.js';
import { projectOf } from '../../../auth.js';
import { listLogsQuery } from '../../../../contract/logs.js';

export function requestLogRoutes(app: FastifyInstance, deps: Deps, writer: RequestLogWriter) {
  // Rows are written in batches: flush this process's pending ones first, so a caller sees its own calls.
  app.get('/requests/logs', async (req) => {
    const q = parseInput(listLogsQuery, req.query, 'query');
    await writer.flush();
    return listLogs(deps, projectOf(req), q);
  });

  app.get('/requests/logs/steps', async (req) => {
    const q = parseInput(listLogsQuery, req.query, 'query');
    await writer.flush();
    return listStepLogs(deps, projectOf(req), q);
  });

  app.get<{ Params: { id: string } }>('/requests/logs/:id', async (req) => {
    await writer.flush();
    return getLog(deps, projectOf(req), req.params.id);
  });
}
