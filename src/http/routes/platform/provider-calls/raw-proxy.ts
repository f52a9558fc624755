import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../../../core/deps.js';
import { AppError } from '../../../../core/errors.js';
import type { RequestLogWriter } from '../../../../core/logs/request-logs/writer.js';
import { openSession, urlPerTarget } from '../../../../core/provider-calls/session.js';
import { forwardableHeaders, proxyUrl } from '../../../../core/provider-calls/proxy.js';
import { toAppError } from '../../../errors.js';
import { projectOf } from '../../../auth.js';
import { recorderFor } from './context.js';

/** Response headers that belong to one connection, and provider cookies (they would be the account's session). */
const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'set-cookie',
  'proxy-authenticate',
]);

/** `/proxy/{account_id}/{rest}?{query}` split from the raw URL, so encoded characters reach the provider as sent. */
function providerPath(req: FastifyRequest): string {
  const raw = req.raw.url ?? '/';
  const m = /^\/proxy\/[^/?]+(\/[^?]*)?(\?.*)?$/.exec(raw);
  return `${m?.[1] ?? '/'}${m?.[2] ?? ''}`;
}

function hasBody(req: FastifyRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * `ANY /proxy/{account_id}/{path}`: a raw streaming passthrough for large or streamed bodies.
 * The request body streams to the provider and the provider's answer (status, headers, body)
 * streams back unchanged. Credentials, URL ownership, refresh and retries work as for
 * `/unified/proxy`, except that a request with a body is sent once (a stream cannot be replayed).
 */
export function rawProxyRoutes(app: FastifyInstance, deps: Deps, writer: RequestLogWriter) {
  app.removeAllContentTypeParsers();
  // Leave every body unread in req.raw: the handler streams it.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));

  app.all<{ Params: { accountId: string } }>(
    '/proxy/:accountId/*',
    { config: { streamsBody: true } },
    async (req, reply) => {
      const rec = recorderFor(deps, writer, req, 'proxy');
      try {
        const accountId = req.params.accountId;
        rec.claimedAccountId = accountId;
        const session = await openSession(deps, projectOf(req), accountId);
        rec.session = session;
        // Only an account the caller's project owns is named in its logs.
        rec.accountId = session.target.account.id;
        rec.provider = session.target.connector.key;
        const path = providerPath(req);
        const headers = forwardableHeaders(req.headers, session.target);
        const streamed = hasBody(req);
        if (streamed && req.headers['content-length'])
          headers['content-length'] = String(req.headers['content-length']);
        const url = urlPerTarget((t) => proxyUrl(deps, t, { path }));
        rec.upstream = { method: req.method, url: url(session.target) };
        const res = await session.stream({
          method: req.method,
          url,
          headers,
          body: streamed ? req.raw : null,
        });
        reply.raw.once('close', () => rec.finish(res.status));
        reply.status(res.status);
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined && !NOT_RETURNED.has(name.toLowerCase())) reply.header(name, value);
        }
        return reply.send(res.body);
      } catch (err) {
        const appErr = err instanceof AppError ? err : toAppError(err);
        rec.finish(appErr.status, { error: appErr });
        throw appErr;
      }
    },
  );
}
