import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { accountToWire } from '../../../core/accounts/wire.js';
import { resumeAccount, suspendAccount } from '../../../core/accounts/status.js';
import { projectOf } from '../../auth.js';

type IdParams = { Params: { id: string } };

/** `POST /accounts/{id}/suspend|resume`: our own, beside the SDK's `PATCH /accounts/{id}`. */
export function accountStatusRoutes(app: FastifyInstance, deps: Deps) {
  app.post<IdParams>('/accounts/:id/suspend', async (req) =>
    accountToWire(deps, await suspendAccount(deps, projectOf(req), req.params.id)),
  );
  app.post<IdParams>('/accounts/:id/resume', async (req) =>
    accountToWire(deps, await resumeAccount(deps, projectOf(req), req.params.id)),
  );
}
