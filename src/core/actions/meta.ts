import type { Deps, ProjectScope } from '../deps.js';
import { invalidInput } from '../errors.js';
import type { Connector } from '../../connectors/schema.js';
import type { Action } from '../../connectors/action-schema.js';
import { listProfiles } from '../connector-profiles/profiles.js';
import { listAccounts } from '../accounts/accounts.js';
import { inputJsonSchema } from './inputs.js';
import { enabledActions } from './actions.js';
import type { ListActionsQuery } from '../../contract/provider-calls.js';

function authMeta(c: Connector) {
  return [{ key: c.auth.type, label: c.auth.type === 'oauth2' ? 'OAuth 2.0' : 'API Key', type: c.auth.type }];
}

function actionMeta(c: Connector, a: Action, details: boolean) {
  return {
    id: a.id,
    label: a.label,
    description: a.description,
    schema_type: 'native',
    tags: a.tags,
    authentication: authMeta(c),
    ...(details
      ? {
          operation_details: {
            method: a.request.method,
            path: a.request.path,
            query: a.request.query,
            input_schema: inputJsonSchema(a),
            paginated: a.result.next !== undefined,
          },
        }
      : {}),
  };
}

/** Union of what several profiles enable; null (all) wins. */
function union(lists: Array<string[] | null>): string[] | null {
  if (lists.some((l) => l === null)) return null;
  return [...new Set(lists.flat() as string[])];
}

/**
 * The action catalogue grouped by connector, as the project may use it: a connector the
 * project has profiles for shows the actions those profiles enable; with `account_ids`, only
 * the connectors of those accounts and what their profiles enable.
 */
export async function listActionsMeta(deps: Deps, scope: ProjectScope, q: ListActionsQuery) {
  const accountIds = q['filter[account_ids]'] ?? q.filter?.account_ids;
  const actionKey = q['filter[action_key]'] ?? q.filter?.action_key;
  const connectorKeys = q['filter[connectors]'] ?? q.filter?.connectors;
  const profiles = await listProfiles(deps, scope);
  const allowed = new Map<string, string[] | null>();
  if (accountIds?.length) {
    const accounts = await listAccounts(deps, scope, { account_ids: accountIds, page_size: 1000 });
    const byId = new Map(profiles.map((p) => [p.id, p]));
    const perConnector = new Map<string, Array<string[] | null>>();
    for (const a of accounts) {
      const p = a.connector_profile_id ? byId.get(a.connector_profile_id) : undefined;
      if (!p) continue;
      perConnector.set(a.provider, [...(perConnector.get(a.provider) ?? []), p.enabled_actions]);
    }
    for (const [key, lists] of perConnector) allowed.set(key, union(lists));
  } else {
    for (const c of deps.connectors.list()) {
      const own = profiles.filter((p) => p.provider === c.key && p.active);
      allowed.set(c.key, own.length ? union(own.map((p) => p.enabled_actions)) : null);
    }
  }
  const details = q.include?.includes('operation_details') ?? false;
  const groups = deps.connectors
    .list()
    .filter((c) => allowed.has(c.key) && (!connectorKeys?.length || connectorKeys.includes(c.key)))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((c) => {
      const actions = enabledActions(c, allowed.get(c.key) ?? null).filter(
        (a) => !actionKey || a.id === actionKey,
      );
      return {
        key: c.key,
        name: c.name,
        description: c.description,
        icon: c.logoPath ? `${deps.settings.publicUrl()}/connectors/logos/${c.key}` : null,
        version: c.version,
        authentication: authMeta(c),
        actions: actions.map((a) => actionMeta(c, a, details)),
      };
    })
    .filter((g) => g.actions.length > 0);

  let offset = q.page ? (q.page - 1) * q.page_size : 0;
  if (q.next) {
    const m = /^g(\d{1,6})$/.exec(Buffer.from(q.next, 'base64url').toString('utf8'));
    if (!m) throw invalidInput('next: not a cursor from a previous page', { field: 'next' });
    offset = Number(m[1]);
  }
  offset = Math.max(0, offset);
  const page = groups.slice(offset, offset + q.page_size);
  const more = offset + q.page_size < groups.length;
  return { data: page, next: more ? Buffer.from(`g${offset + q.page_size}`).toString('base64url') : null };
}
