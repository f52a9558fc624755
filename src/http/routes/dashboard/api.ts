import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import type { Connector, Field } from '../../../connectors/schema.js';
import { htmlPattern, isSecretField } from '../../../connectors/fields.js';
import { callbackUrl } from '../../../core/linking/oauth2/authorize.js';
import { getAccount } from '../../../core/accounts/accounts.js';
import { accountToWire } from '../../../core/accounts/wire.js';
import { searchAccounts } from '../../../core/accounts/search.js';
import { searchAccountsQuery } from '../../../contract/accounts.js';
import { listAccountEvents } from '../../../core/webhooks/history.js';
import { AppError } from '../../../core/errors.js';
import { parseInput } from '../../errors.js';
import { projectOf, requireApiKey } from '../../auth.js';
import type { AuthLimiter } from '../../auth-limiter.js';

function fieldToDashboard(f: Field) {
  const pattern = htmlPattern(f);
  return {
    key: f.key,
    label: f.label,
    type: f.type,
    required: f.required,
    secret: isSecretField(f),
    placeholder: f.placeholder ?? null,
    description: f.description ?? null,
    options: f.options ?? null,
    max_length: f.max_length,
    pattern: pattern?.pattern ?? null,
    pattern_message: pattern?.error ?? null,
  };
}

/**
 * What the connector-profile form and the setup guide need: setup fields, environments, scope
 * rules, PKCE, actions, the default URLs an override replaces, and the guide with this server's
 * callback URL filled in. Logos are same-origin paths (the dashboard's CSP allows only 'self').
 */
export function connectorToDashboard(deps: Deps, c: Connector) {
  const oauth = c.auth.type === 'oauth2' ? c.auth : null;
  const callback = oauth ? callbackUrl(deps, c.key) : null;
  return {
    provider: c.key,
    name: c.name,
    description: c.description,
    categories: c.categories,
    logo_url: c.logoPath ? `/connectors/logos/${c.key}` : null,
    auth_type: c.auth.type,
    /** Who brings the OAuth app: the profile (`setup`) or each end user in the Hub (`config`). */
    client_from: oauth?.client_from ?? null,
    environments: c.environments.map((e) => ({ key: e.key, label: e.label })),
    setup_fields: c.setup_fields.map(fieldToDashboard),
    config_fields: c.config_fields.map(fieldToDashboard),
    scopes: oauth
      ? {
          from: oauth.scopes.from,
          field: oauth.scopes.field ?? null,
          default: oauth.scopes.default,
          separator: oauth.scopes.separator,
          require_one_of: oauth.scopes.require_one_of,
          always_include: oauth.scopes.always_include,
        }
      : null,
    pkce: oauth ? oauth.pkce : { supported: false, default: false },
    actions: c.actions.map((a) => ({ id: a.id, label: a.label, description: a.description })),
    events: c.events
      ? {
          mode: c.events.mode,
          types: c.events.types.map((t) => ({ name: t.name, label: t.label, description: t.description })),
        }
      : null,
    default_urls: {
      authorization_url: oauth?.authorization_url ?? null,
      token_url: oauth?.token_url ?? null,
      revoke_url: oauth?.revoke_url ?? null,
      base_url: c.base_url,
    },
    callback_url: callback,
    guide: {
      description: c.guide.description ?? null,
      support_link: c.guide.support_link ?? null,
      setup_steps: c.guide.setup_steps.map((s) => s.replaceAll('{callback_url}', callback ?? '')),
    },
  };
}

/** Read models only the dashboard needs; everything else it does through the platform API. */
export function dashboardApiRoutes(app: FastifyInstance, deps: Deps, limiter: AuthLimiter) {
  app.addHook('onRequest', requireApiKey(deps, limiter));

  app.get('/dashboard/api/connectors', async () =>
    deps.connectors.list().map((c) => connectorToDashboard(deps, c)),
  );

  app.get<{ Params: { provider: string } }>('/dashboard/api/connectors/:provider', async (req) => {
    const c = deps.connectors.get(req.params.provider);
    if (!c) throw new AppError('CONNECTOR_NOT_FOUND', 'Connector not found');
    return connectorToDashboard(deps, c);
  });

  app.get('/dashboard/api/accounts', async (req) => {
    const q = parseInput(searchAccountsQuery, req.query, 'query');
    const { rows, total } = await searchAccounts(deps, projectOf(req), q);
    return { data: rows.map((a) => accountToWire(deps, a)), total, page: q.page, page_size: q.page_size };
  });

  app.get<{ Params: { id: string } }>('/dashboard/api/accounts/:id/events', async (req) => {
    const scope = projectOf(req);
    await getAccount(deps, scope, req.params.id);
    return { data: await listAccountEvents(deps, scope, req.params.id) };
  });
}
