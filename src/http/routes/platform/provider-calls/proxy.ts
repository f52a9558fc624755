import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../../core/deps.js';
import type { RequestLogWriter } from '../../../../core/logs/request-logs/writer.js';
import { openSession, urlPerTarget } from '../../../../core/provider-calls/session.js';
import {
  encodeProxyBody,
  forwardableHeaders,
  providerFailure,
  proxyEnvelope,
  proxyMethod,
  proxyUrl,
  successStatus,
} from '../../../../core/provider-calls/proxy.js';
import { parseInput, toAppError } from '../../../errors.js';
import { projectOf } from '../../../auth.js';
import { accountIdOf, recorderFor } from './context.js';
import { proxyBodySchema } from '../../../../contract/provider-calls.js';

/** `POST /unified/proxy`: one provider request on a linked account, answered as `{status, headers, data}`. */
export function proxyRoutes(app: FastifyInstance, deps: Deps, writer: RequestLogWriter) {
  app.post('/unified/proxy', async (req, reply) => {
    const rec = recorderFor(deps, writer, req, 'proxy', req.body);
    try {
      const accountId = accountIdOf(req);
      rec.claimedAccountId = accountId;
      const input = parseInput(proxyBodySchema, req.body);
      const session = await openSession(deps, projectOf(req), accountId);
      rec.session = session;
      // Only an account the caller's project owns is named in its logs.
      rec.accountId = session.target.account.id;
      rec.provider = session.target.connector.key;
      const method = proxyMethod(input.method);
      // The buffered proxy decodes bodies itself: ask for them uncompressed.
      const headers = forwardableHeaders(input.headers ?? {}, session.target, ['accept-encoding']);
      const body = encodeProxyBody(method, input.body, headers);
      const url = urlPerTarget((t) => proxyUrl(deps, t, input));
      rec.upstream = { method, url: url(session.target) };
      const res = await session.send({ method, url, headers, body });
      if (res.status < 200 || res.status >= 300) throw providerFailure(session, res);
      const envelope = proxyEnvelope(res);
      const status = successStatus(res.status);
      rec.finish(status, { json: envelope });
      return reply.status(status).type('application/json').send(envelope);
    } catch (err) {
      const appErr = toAppError(err);
      rec.finish(appErr.status, { error: appErr });
      throw appErr;
    }
  });
}
