import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../../core/deps.js';
import type { RequestLogWriter } from '../../../../core/logs/request-logs/writer.js';
import { openSession } from '../../../../core/provider-calls/session.js';
import { actionForAccount, rpcInput, runAction } from '../../../../core/actions/actions.js';
import { listActionsMeta } from '../../../../core/actions/meta.js';
import { searchActions } from '../../../../core/actions/search-scope.js';
import { actionSearchBody } from '../../../../contract/agents.js';
import { listActionsQuery, rpcBodySchema } from '../../../../contract/provider-calls.js';
import { parseInput, toAppError } from '../../../errors.js';
import { projectOf } from '../../../auth.js';
import { accountIdOf, recorderFor } from './context.js';

export function actionRoutes(app: FastifyInstance, deps: Deps, writer: RequestLogWriter) {
  app.get('/actions', async (req) =>
    listActionsMeta(deps, projectOf(req), parseInput(listActionsQuery, req.query, 'query')),
  );

  /** `POST /actions/search`: the project's actions ranked for a query (no account needed). */
  app.post('/actions/search', async (req) =>
    searchActions(deps, projectOf(req), parseInput(actionSearchBody, req.body)),
  );

  /** `POST /actions/rpc`: runs one action on the account named by `x-account-id`. */
  app.post('/actions/rpc', async (req) => {
    const rec = recorderFor(deps, writer, req, 'actions', req.body);
    try {
      const body = parseInput(rpcBodySchema, req.body);
      rec.action = body.action;
      const accountId = accountIdOf(req, body.headers?.['x-account-id']);
      rec.claimedAccountId = accountId;
      const session = await openSession(deps, projectOf(req), accountId);
      rec.session = session;
      // Only an account the caller's project owns is named in its logs.
      rec.accountId = session.target.account.id;
      rec.provider = session.target.connector.key;
      const action = actionForAccount(deps, session.target, body.action);
      const result = await runAction(deps, session, action, rpcInput(body));
      rec.finish(200, { body: result });
      return result;
    } catch (err) {
      const appErr = toAppError(err);
      rec.finish(appErr.status, { error: appErr });
      throw appErr;
    }
  });
}
