/**
 * How a call to the platform API is named in its platform log: the area of the API it belongs
 * to (`category`), the operation (`action`) and what it acts on (`resource`, `sub_resource`).
 * Names are derived once per route, when the server registers it, never per request.
 */
export interface PlatformOperation {
  category: string;
  /** StackOne's operation id without its `stackone_` prefix where StackOne has the operation. */
  action: string;
  resource: string | null;
  subResource: string | null;
  /** The path parameter naming the linked account the call is about, if any. */
  accountParam: string | null;
}

/** The categories of the platform API's operations (docs/api.md lists them with their actions). */
export const PLATFORM_LOG_CATEGORIES = [
  'connect_sessions',
  'accounts',
  'connectors',
  'connector_profiles',
  'webhooks',
  'actions',
  'request_logs',
] as const;
type Category = (typeof PLATFORM_LOG_CATEGORIES)[number];

type Named = Omit<PlatformOperation, 'accountParam'>;
const named = (
  category: Category,
  action: string,
  resource: string,
  subResource: string | null = null,
): Named => ({ category, action, resource, subResource });

/** Keyed by method and route template, as the server registers them. */
const OPERATIONS: Record<string, Named> = {
  'POST /connect_sessions': named('connect_sessions', 'create_connect_session', 'connect_sessions'),
  'POST /connect_sessions/authenticate': named(
    'connect_sessions',
    'authenticate_connect_session',
    'connect_sessions',
  ),

  'GET /accounts': named('accounts', 'list_linked_accounts', 'accounts'),
  'GET /accounts/:id': named('accounts', 'get_account', 'accounts'),
  'PATCH /accounts/:id': named('accounts', 'update_account', 'accounts'),
  'DELETE /accounts/:id': named('accounts', 'delete_account', 'accounts'),
  'GET /accounts/:id/meta': named('accounts', 'get_account_meta_info', 'accounts', 'meta'),
  'POST /accounts/:id/suspend': named('accounts', 'suspend_account', 'accounts'),
  'POST /accounts/:id/resume': named('accounts', 'resume_account', 'accounts'),
  'GET /accounts/:id/events': named('accounts', 'get_account_events', 'accounts', 'events'),
  'GET /inbound_deliveries': named('webhooks', 'list_inbound_deliveries', 'inbound_deliveries'),

  'GET /connectors/meta': named('connectors', 'list_connectors_meta', 'connectors'),
  'GET /connectors/meta/:provider': named('connectors', 'get_connector_meta', 'connectors'),

  'POST /connector_profiles': named('connector_profiles', 'create_connector_profile', 'connector_profiles'),
  'GET /connector_profiles': named('connector_profiles', 'list_connector_profiles', 'connector_profiles'),
  'GET /connector_profiles/:id': named('connector_profiles', 'get_connector_profile', 'connector_profiles'),
  'PATCH /connector_profiles/:id': named(
    'connector_profiles',
    'update_connector_profile',
    'connector_profiles',
  ),
  'DELETE /connector_profiles/:id': named(
    'connector_profiles',
    'delete_connector_profile',
    'connector_profiles',
  ),

  'POST /webhooks': named('webhooks', 'create_webhook', 'webhooks'),
  'GET /webhooks': named('webhooks', 'list_webhooks', 'webhooks'),
  'GET /webhooks/:id': named('webhooks', 'get_webhook', 'webhooks'),
  'PATCH /webhooks/:id': named('webhooks', 'update_webhook', 'webhooks'),
  'DELETE /webhooks/:id': named('webhooks', 'delete_webhook', 'webhooks'),
  'POST /webhooks/:id/rotate_secret': named('webhooks', 'rotate_webhook_secret', 'webhooks'),
  'GET /webhooks/:id/deliveries': named('webhooks', 'list_webhook_deliveries', 'webhooks', 'deliveries'),
  'POST /webhooks/:id/deliveries/:deliveryId/redeliver': named(
    'webhooks',
    'redeliver_webhook_delivery',
    'webhooks',
    'deliveries',
  ),

  'GET /actions': named('actions', 'list_actions_meta', 'actions'),

  'GET /requests/logs': named('request_logs', 'list_logs', 'logs'),
  'GET /requests/logs/steps': named('request_logs', 'list_step_logs', 'logs', 'steps'),
  'GET /requests/logs/:id': named('request_logs', 'get_log', 'logs'),
  'GET /requests/platform-logs': named('request_logs', 'list_platform_logs', 'platform_logs'),
};

/** Routes that are about one linked account, named by their `:id`. */
const ACCOUNT_ROUTE = /^\/accounts\/:id(\/|$)/;

/**
 * Calls on linked accounts (proxy, raw passthrough, actions, MCP): request logs record them,
 * with the provider requests made for them, so platform logs leave them out.
 */
export function isProviderCall(template: string): boolean {
  return (
    template === '/unified/proxy' ||
    template === '/actions/rpc' ||
    template === '/mcp' ||
    template.startsWith('/proxy/')
  );
}

/**
 * The name of the operation a platform route serves, or null for a provider call (not a
 * platform log's business). A route missing from the list above is still logged: its category
 * is its first path segment and its action its method and template (`GET /things/:id`).
 */
export function platformOperation(method: string, template: string): PlatformOperation | null {
  if (isProviderCall(template)) return null;
  // HEAD is answered by the GET route.
  const key = `${method === 'HEAD' ? 'GET' : method} ${template}`;
  const accountParam = ACCOUNT_ROUTE.test(template) ? 'id' : null;
  const known = OPERATIONS[key];
  if (known) return { ...known, accountParam };
  const first = template.split('/').find((s) => s && !s.startsWith(':') && s !== '*') ?? 'platform';
  const area = first.replaceAll('-', '_');
  return { category: area, action: `${method} ${template}`, resource: area, subResource: null, accountParam };
}
