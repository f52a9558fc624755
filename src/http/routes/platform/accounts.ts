import type { FastifyInstance } from 'fastify';
import { unsubscribeDeleted } from '../../../core/events/subscriptions.js';
import type { Deps } from '../../../core/deps.js';
import { deleteAccount, getAccount, listAccounts, patchAccount } from '../../../core/accounts/accounts.js';
import { accountMeta, accountToWire } from '../../../core/accounts/wire.js';
import { parseInput } from '../../errors.js';
import { projectOf } from '../../auth.js';
import { listAccountsQuery, patchAccountSchema } from '../../../contract/accounts.js';

type IdParams = { Params: { id: string } };

export function accountRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/accounts', async (req) => {
    const q = parseInput(listAccountsQuery, req.query, 'query');
    const rows = await listAccounts(deps, projectOf(req), q);
    return rows.map((a) => accountToWire(deps, a));
  });

  app.get<IdParams>('/accounts/:id', async (req) =>
    accountToWire(deps, await getAccount(deps, projectOf(req), req.params.id)),
  );

  app.get<IdParams>('/accounts/:id/meta', async (req) =>
    accountMeta(deps, await getAccount(deps, projectOf(req), req.params.id)),
  );

  app.patch<IdParams>('/accounts/:id', async (req) => {
    const input = parseInput(patchAccountSchema, req.body);
    return accountToWire(deps, await patchAccount(deps, projectOf(req), req.params.id, input));
  });

  app.delete<IdParams>('/accounts/:id', async (req) =>
    accountToWire(
      deps,
      await deleteAccount(deps, projectOf(req), req.params.id, (deleted, sub) =>
        unsubscribeDeleted(deps, deleted, sub),
      ),
    ),
  );
}
