import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onResponseHookHandler,
  RouteOptions,
} from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { platformOperation, type PlatformOperation } from '../../../core/logs/platform-logs/operations.js';
import {
  createPlatformLogWriter,
  platformLogId,
  type PlatformLog,
  type PlatformLogWriter,
} from '../../../core/logs/platform-logs/writer.js';
import { listPlatformLogs } from '../../../core/logs/platform-logs/query.js';
import { listPlatformLogsQuery } from '../../../contract/logs.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { safeUrl } from '../../safe-url.js';

/**
 * How the caller got in: the platform API takes an API key in the Authorization header and,
 * only without that header, the dashboard's session cookie (see `requireApiKey`).
 */
const sourceType = (req: FastifyRequest) => (req.headers.authorization ? 'api' : 'dashboard');

function entry(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  op: PlatformOperation,
  projectId: string,
): PlatformLog {
  const end = deps.clock();
  const ms = reply.elapsedTime;
  const params = req.params as Record<string, string | undefined>;
  return {
    id: platformLogId(),
    requestId: req.id,
    projectId,
    accountId: (op.accountParam && params[op.accountParam]) || null,
    category: op.category,
    action: op.action,
    resource: op.resource,
    subResource: op.subResource,
    httpMethod: req.method,
    path: req.url.split('?', 1)[0]!,
    url: safeUrl(req.url),
    status: reply.statusCode,
    durationMs: ms,
    sourceIp: req.ip ?? null,
    sourceType: sourceType(req),
    startTime: new Date(end.getTime() - ms),
    endTime: end,
  };
}

/**
 * A route's own onResponse hook, named once when the route is registered; null for routes
 * platform logs leave out (provider calls). It runs after the answer was sent and only queues
 * the entry. Calls refused before a project was known (a bad or missing API key) are not
 * anyone's to see, so they are not recorded.
 */
function recorderFor(
  deps: Deps,
  writer: PlatformLogWriter,
  route: RouteOptions,
): onResponseHookHandler | null {
  const ops = new Map<string, PlatformOperation>();
  for (const method of [route.method].flat()) {
    const op = platformOperation(method, route.url);
    if (op) ops.set(method, op);
  }
  if (!ops.size) return null;
  return (req, reply, done) => {
    const op = ops.get(req.method);
    if (op && req.project) writer.record(entry(deps, req, reply, op, req.project.projectId));
    done();
  };
}

/**
 * Platform logs: records every call made to the platform API in this scope (routes registered
 * after this, so call it first), and serves `GET /requests/platform-logs`. The writer is
 * flushed when the server closes.
 */
export function platformLogRoutes(app: FastifyInstance, deps: Deps) {
  const writer = createPlatformLogWriter(deps);
  app.addHook('onClose', async () => writer.close());
  app.addHook('onRoute', (route) => {
    const hook = recorderFor(deps, writer, route);
    if (hook) route.onResponse = [...[route.onResponse ?? []].flat(), hook];
  });

  // Rows are written in batches: flush this process's pending ones first, so a caller sees its own calls.
  app.get('/requests/platform-logs', async (req) => {
    const q = parseInput(listPlatformLogsQuery, req.query, 'query');
    await writer.flush();
    return listPlatformLogs(deps, projectOf(req), q);
  });
}
