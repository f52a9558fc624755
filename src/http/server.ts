import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Deps } from '../core/deps.js';
import { AppError, invalidInput } from '../core/errors.js';
import { ID_SHAPE, safeEqual } from '../core/ids.js';
import { openApiRoutes } from './openapi.js';
import { lazyChildLogger } from './request-logger.js';

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: Array<{ method: string; url: string }>;
  }
}
import { errorHandler, inputProblem, MAX_JSON_DEPTH, sendError } from './errors.js';
import { bodyDeadline, jsonDepthExceeds, serverFactory, type RequestLimits } from './limits.js';
import { requireApiKey } from './auth.js';
import { safeUrl } from './safe-url.js';
import { connectSessionRoutes } from './routes/platform/connect-sessions.js';
import { accountRoutes } from './routes/platform/accounts.js';
import { connectorMetaRoutes } from './routes/platform/connectors-meta.js';
import { connectorProfileRoutes } from './routes/platform/connector-profiles.js';
import { webhookRoutes } from './routes/platform/webhooks.js';
import { accountStatusRoutes } from './routes/platform/account-status.js';
import { providerCallRoutes } from './routes/platform/provider-calls/index.js';
import { platformLogRoutes } from './routes/platform/platform-logs.js';
import { agentRoutes } from './routes/platform/agents.js';
import { accountEventRoutes, inboundEventRoutes } from './routes/events.js';
import { projectRoutes } from './routes/platform/project.js';
import { readLogo } from '../core/projects/branding.js';

export interface ServerOptions {
  bodyLimit: number;
  /** Returns true once the database is migrated and workers run. */
  ready: () => Promise<boolean>;
  /** Extra route groups (Hub, OAuth, web pages) registered beside the platform API. */
  extraRoutes?: Array<(app: FastifyInstance, deps: Deps) => void>;
  /** `worker` processes serve only /health and /metrics. */
  opsOnly?: boolean;
  /** Bearer token for /metrics; without it only loopback clients may scrape. */
  metricsToken?: string | undefined;
  /** Proxies believed about the client's address (Fastify's trustProxy: hop count or addresses). */
  trustProxy?: number | string[] | false;
  /** Header and body deadlines, open connections (defaults: 20 s, 30 s, 10,000). */
  limits?: Partial<RequestLimits>;
}

const isLoopback = (ip: string | undefined) =>
  ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
/**
 * A request relayed by a proxy. Without trusted proxies, a loopback socket address behind a proxy
 * on the same host says nothing about the client, so /metrics does not count it as loopback.
 */
const forwarded = (req: FastifyRequest) =>
  req.headers['x-forwarded-for'] !== undefined ||
  req.headers.forwarded !== undefined ||
  req.headers['x-real-ip'] !== undefined;

/**
 * Fastify's trustProxy from ours. Addresses and CIDRs go to proxy-addr. A hop count trusts the
 * n nearest hops whatever their address (Fastify itself refuses plain numbers): right only when
 * the server cannot be reached except through those proxies, as docs/deployment.md says.
 */
function trustProxyOption(
  t: number | string[] | false,
): string | boolean | ((addr: string, hop: number) => boolean) {
  if (t === false || t === 0) return false;
  if (typeof t === 'number') return (_addr: string, hop: number) => hop < t;
  return t.join(',');
}

export function buildServer(deps: Deps, opts: ServerOptions): FastifyInstance {
  const trustProxy = trustProxyOption(opts.trustProxy ?? false);
  const limits: RequestLimits = { headersMs: 20_000, bodyMs: 30_000, maxConnections: 10_000, ...opts.limits };
  const app = Fastify({
    // pino and fastify disagree on one optional logger field; the instance is a real pino logger.
    loggerInstance: deps.log as unknown as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // Our own onResponse log line records URLs without query values (they carry tokens).
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    routerOptions: { maxParamLength: 256, ignoreTrailingSlash: true },
    return503OnClosing: true,
    // Router-level refusals (bad URL encoding, over-long ids) in the contract's error shape too.
    frameworkErrors: (error, _req, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendError(
        reply,
        tooLong
          ? new AppError('URI_TOO_LONG', 'A path parameter is too long')
          : new AppError('MALFORMED_REQUEST', 'Malformed URL', {}),
        deps.clock(),
      );
    },
    forceCloseConnections: 'idle',
    // req.ip is the client's address only as far as the operator says the hops are trusted
    // (proxy-addr walks X-Forwarded-For from the socket back past trusted proxies only).
    trustProxy,
    serverFactory: serverFactory(limits),
  });

  // Every route, for the OpenAPI coverage test and for operators (`registeredRoutes`).
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.decorate('registeredRoutes', routes);

  // Hooks that never wait are written with `done`: no promise per request and hook.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    // No route: answer before the body is read or parsed (an unknown path costs nothing).
    if (req.is404) {
      sendError(
        reply,
        new AppError('ROUTE_NOT_FOUND', `Route ${req.method} ${req.url.split('?')[0]} not found`),
        deps.clock(),
      );
      return;
    }
    done();
  });
  bodyDeadline(app, limits.bodyMs);
  app.addHook('onResponse', (req: FastifyRequest, reply, done) => {
    if (deps.log.isLevelEnabled('info')) {
      // The parent logger with the request id, as req.log would write it, without making req.log.
      deps.log.info(
        {
          reqId: req.id,
          method: req.method,
          url: safeUrl(req.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    // The route template (`/accounts/:id`), never the raw URL: ids must not become label values.
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // The APIs speak JSON only; anything else is a 415, not a string handed to a handler.
  app.removeContentTypeParser('text/plain');
  // The Hub sends `content-type: application/json` on bodiless GET and DELETE requests too.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    // Depth is judged on the raw text, before JSON.parse spends time building what it refuses.
    if (jsonDepthExceeds(body as string))
      return done(invalidInput(`JSON is nested deeper than ${MAX_JSON_DEPTH} levels`));
    return json(req, body as string, done);
  });
  app.addHook('preValidation', (req, _reply, done) => {
    const problem = inputProblem(req.params) ?? inputProblem(req.query) ?? inputProblem(req.body);
    done(problem ? invalidInput(problem) : undefined);
  });
  app.setErrorHandler(errorHandler(deps.clock));
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      new AppError('ROUTE_NOT_FOUND', `Route ${req.method} ${req.url.split('?')[0]} not found`),
      deps.clock(),
    ),
  );

  app.get('/health', async (_req, reply) => {
    const ok = await opts.ready().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  });

  app.get('/metrics', async (req, reply) => {
    const auth = req.headers.authorization ?? '';
    const allowed = opts.metricsToken
      ? auth.length === `Bearer ${opts.metricsToken}`.length && safeEqual(auth, `Bearer ${opts.metricsToken}`)
      : isLoopback(req.ip) && (Boolean(opts.trustProxy) || !forwarded(req));
    if (!allowed)
      throw new AppError(
        'METRICS_TOKEN_INVALID',
        opts.metricsToken
          ? 'Invalid metrics token'
          : 'Set SWITCHBOARD_METRICS_TOKEN to scrape /metrics from another host',
      );
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  if (opts.opsOnly) return app;
  openApiRoutes(app, deps.settings.publicUrl);

  app.get<{ Params: { key: string } }>('/connectors/logos/:key', async (req, reply) => {
    const c = deps.connectors.get(req.params.key);
    if (!c?.logoPath) throw new AppError('ASSET_NOT_FOUND', 'Logo not found');
    const body = await fs.readFile(c.logoPath);
    const type = c.logoPath.endsWith('.svg')
      ? 'image/svg+xml'
      : c.logoPath.endsWith('.png')
        ? 'image/png'
        : 'application/octet-stream';
    return reply
      .type(type)
      .header('cache-control', 'public, max-age=86400')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(body);
  });

  // A project's logo, copied from the URL its admin gave: served by us so end users' browsers
  // never contact the company's host, and as a picture only (no script, no sniffing).
  app.get<{ Params: { project: string; sha: string } }>(
    '/project_logos/:project/:sha',
    async (req, reply) => {
      const { project, sha } = req.params;
      const logo =
        ID_SHAPE.test(project) && /^[0-9a-f]{64}$/.test(sha) ? await readLogo(deps, project, sha) : null;
      if (!logo) throw new AppError('ASSET_NOT_FOUND', 'Logo not found');
      return reply
        .type(logo.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('content-security-policy', "default-src 'none'")
        .send(logo.body);
    },
  );

  app.register(async (platform) => {
    platform.addHook('onRequest', requireApiKey(deps));
    // First: every route registered after it in this scope gets its platform-log hook.
    platformLogRoutes(platform, deps);
    connectSessionRoutes(platform, deps);
    accountRoutes(platform, deps);
    accountStatusRoutes(platform, deps);
    connectorMetaRoutes(platform, deps);
    connectorProfileRoutes(platform, deps);
    webhookRoutes(platform, deps);
    providerCallRoutes(platform, deps);
    agentRoutes(platform, deps);
    accountEventRoutes(platform, deps);
    projectRoutes(platform, deps);
  });
  inboundEventRoutes(app, deps);

  for (const routes of opts.extraRoutes ?? []) app.register(async (scope) => routes(scope, deps));
  return app;
}
