import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import {
  createEndpoint,
  deleteEndpoint,
  endpointToWire,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from '../../../core/webhooks/endpoints.js';
import { deliveryToWire, listDeliveries, redeliver } from '../../../core/webhooks/delivery.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import {
  createEndpointSchema,
  listDeliveriesQuery,
  updateEndpointSchema,
} from '../../../contract/webhooks.js';

type IdParams = { Params: { id: string } };

export function webhookRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/webhooks', async (req, reply) => {
    const { endpoint, secret } = await createEndpoint(
      deps,
      projectOf(req),
      parseInput(createEndpointSchema, req.body),
    );
    // The only time the secret is shown.
    return reply.status(201).send({ ...endpointToWire(endpoint), secret });
  });
  app.get('/webhooks', async (req) => (await listEndpoints(deps, projectOf(req))).map(endpointToWire));
  app.get<IdParams>('/webhooks/:id', async (req) =>
    endpointToWire(await getEndpoint(deps, projectOf(req), req.params.id)),
  );
  app.patch<IdParams>('/webhooks/:id', async (req) =>
    endpointToWire(
      await updateEndpoint(deps, projectOf(req), req.params.id, parseInput(updateEndpointSchema, req.body)),
    ),
  );
  app.delete<IdParams>('/webhooks/:id', async (req) =>
    endpointToWire(await deleteEndpoint(deps, projectOf(req), req.params.id)),
  );
  app.post<IdParams>('/webhooks/:id/rotate_secret', async (req) => ({
    secret: await rotateSecret(deps, projectOf(req), req.params.id),
  }));
  app.get<IdParams>('/webhooks/:id/deliveries', async (req) =>
    (
      await listDeliveries(
        deps,
        projectOf(req),
        req.params.id,
        parseInput(listDeliveriesQuery, req.query, 'query'),
      )
    ).map(deliveryToWire),
  );
  app.post<{ Params: { id: string; deliveryId: string } }>(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    async (req) =>
      deliveryToWire(await redeliver(deps, projectOf(req), req.params.id, req.params.deliveryId)),
  );
}
