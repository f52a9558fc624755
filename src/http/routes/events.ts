import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../core/deps.js';
import { receiveDelivery } from '../../core/events/inbound.js';
import { accountEvents, listInboundDeliveries } from '../../core/events/account-events.js';
import { inboundDeliveriesQuery } from '../../contract/events.js';
import { projectOf } from '../auth.js';
import { parseInput } from '../errors.js';

/** The largest delivery any connector may accept (each connector sets its own, smaller, limit). */
const INBOUND_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * `POST /events/inbound/{connector}/{token}`: a provider's own webhook delivery. No API key: the
 * opaque token names the account and the connector's checks prove the sender. Any content type
 * is read as text, since signatures are computed over the body exactly as sent.
 */
export function inboundEventRoutes(app: FastifyInstance, deps: Deps) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: INBOUND_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scope.post<{ Params: { connector: string; token: string } }>(
      '/events/inbound/:connector/:token',
      { bodyLimit: INBOUND_BODY_LIMIT },
      async (req, reply) => {
        const raw = typeof req.body === 'string' ? req.body : '';
        const answer = await receiveDelivery(
          deps,
          req.params.connector,
          req.params.token,
          req.headers,
          Buffer.from(raw, 'utf8'),
        );
        return reply.status(answer.status).type(answer.contentType).send(answer.body);
      },
    );
  });
}

/** `GET /accounts/{id}/events` and the inbound log: platform API. */
export function accountEventRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Params: { id: string } }>('/accounts/:id/events', async (req) =>
    accountEvents(deps, projectOf(req), req.params.id),
  );
  app.get('/inbound_deliveries', async (req) =>
    listInboundDeliveries(deps, projectOf(req), parseInput(inboundDeliveriesQuery, req.query, 'query')),
  );
}
