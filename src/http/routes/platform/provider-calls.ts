import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { badRequest } from '../../../core/errors.js';
import { CallRecorder } from '../../../core/request-logs/recorder.js';
import {
  createRequestLogWriter,
  type LogService,
  type RequestLogWriter,
} from '../../../core/request-logs/writer.js';
import { projectOf } from '../../auth.js';
import { hotCache } from '../../../core/cache.js';
import { proxyRoutes } from './proxy.js';
import { rawProxyRoutes } from './raw-proxy.js';
import { actionRoutes } from './actions.js';
import { mcpRoutes } from './mcp.js';
import { requestLogRoutes } from './request-logs.js';

/** The linked account a call acts on: the `x-account-id` header (or, for RPC, `headers["x-account-id"]`). */
export function accountIdOf(req: FastifyRequest, fallback?: unknown): string {
  const given = req.headers['x-account-id'] ?? fallback;
  const id = Array.isArray(given) ? given[0] : given;
  if (typeof id !== 'string' || !id.trim())
    throw badRequest('x-account-id header is required: the id of the linked account to act on', {
      field: 'x-account-id',
    });
  if (id.length > 255) throw badRequest('x-account-id is too long', { field: 'x-account-id' });
  return id.trim();
}

/** A recorder for one call made through the platform API. */
export function recorderFor(
  deps: Deps,
  writer: RequestLogWriter,
  req: FastifyRequest,
  service: LogService,
  body?: unknown,
): CallRecorder {
  return new CallRecorder(deps, writer, {
    projectId: projectOf(req).projectId,
    requestId: req.id,
    service,
    sourceIp: req.ip ?? null,
    sourceType: service === 'mcp' ? 'mcp' : 'api',
    method: req.method,
    path: req.url,
    headers: req.headers,
    ...(body !== undefined ? { body } : {}),
  });
}

/**
 * Calls on linked accounts (proxy, raw passthrough, actions, MCP) and their request logs.
 * They share one request-log writer, flushed when the server closes.
 */
export function providerCallRoutes(app: FastifyInstance, deps: Deps) {
  const writer = createRequestLogWriter(deps);
  app.addHook('onClose', async () => {
    await writer.close();
    await hotCache(deps).stop();
  });
  proxyRoutes(app, deps, writer);
  actionRoutes(app, deps, writer);
  mcpRoutes(app, deps, writer);
  requestLogRoutes(app, deps, writer);
  // Its own plugin: the passthrough streams bodies, so the JSON parser must not touch them.
  app.register(async (raw) => rawProxyRoutes(raw, deps, writer));
}
