import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../../core/deps.js';
import { createRequestLogWriter } from '../../../../core/logs/request-logs/writer.js';
import { hotCache } from '../../../../core/provider-calls/hot-cache.js';
import { proxyRoutes } from './proxy.js';
import { rawProxyRoutes } from './raw-proxy.js';
import { actionRoutes } from './actions.js';
import { mcpRoutes } from './mcp.js';
import { requestLogRoutes } from './request-logs.js';

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
