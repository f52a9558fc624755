import { accountEventsWire, inboundDeliveriesQuery, inboundDeliveryWire } from '../contract/events.js';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { anyObject, errorBody } from '../contract/common.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { accountMeta, linkedAccount, listAccountsQuery, patchAccountSchema } from '../contract/accounts.js';
import {
  authenticateSessionBody,
  connectSession,
  connectSessionWithToken,
  createSessionSchema,
  revokedSession,
} from '../contract/connect-sessions.js';
import { connectorsMeta } from '../contract/connectors.js';
import {
  connectorProfile,
  createProfileSchema,
  profileCheck,
  updateProfileSchema,
} from '../contract/connector-profiles.js';
import {
  createdWebhookEndpoint,
  createEndpointSchema,
  listDeliveriesQuery,
  rotatedSecret,
  updateEndpointSchema,
  webhookDelivery,
  webhookEndpoint,
} from '../contract/webhooks.js';
import {
  actionsMetaPage,
  listActionsQuery,
  proxyBodySchema,
  rpcBodySchema,
  rpcResponse,
} from '../contract/provider-calls.js';
import {
  actionSearchBody,
  actionSearchResponse,
  listToolFeedbackQuery,
  toolFeedbackBody,
  toolFeedbackPage,
  toolFeedbackReceipt,
} from '../contract/agents.js';
import {
  listLogsQuery,
  listPlatformLogsQuery,
  platformLogPage,
  requestLogPage,
  requestLogResult,
  stepLogPage,
} from '../contract/logs.js';
import {
  attemptCount,
  connectionAttempt,
  countAttemptsQuery,
  hubAttempt,
  listAttemptsQuery,
} from '../contract/attempts.js';
import {
  hubAccountBody,
  hubAttemptBody,
  hubLaunchBody,
  hubLinkStatus,
  hubEventsSetup,
  hubLinkedAccount,
  hubSettings,
  hubBranding,
  linkChoice,
  linkChoiceAnswer,
  linkChoiceNext,
} from '../contract/hub.js';
import { patchProjectSchema, project } from '../contract/project.js';

type Auth = 'apiKey' | 'hubSession' | 'none';
interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete' | 'put';
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  body?: z.ZodType;
  query?: z.ZodType;
  ok: { status: number; schema?: z.ZodType; description?: string; contentType?: string };
  errors?: number[];
}

const op = (o: Operation) => o;

/** Every public operation. A test checks this list against the routes the server registers. */
export const OPERATIONS: Operation[] = [
  op({
    method: 'get',
    path: '/health',
    summary: 'Liveness and readiness',
    tag: 'Operations',
    auth: 'none',
    ok: { status: 200, schema: z.object({ status: z.literal('ok') }) },
    errors: [503],
  }),
  op({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (loopback, or Bearer SWITCHBOARD_METRICS_TOKEN)',
    tag: 'Operations',
    auth: 'none',
    ok: { status: 200, contentType: 'text/plain', description: 'Prometheus text format' },
  }),
  op({
    method: 'post',
    path: '/connect_sessions',
    summary: 'Create a connect session (Auth Link)',
    tag: 'Connect sessions',
    auth: 'apiKey',
    body: createSessionSchema,
    ok: { status: 201, schema: connectSessionWithToken },
    errors: [400, 401, 404],
  }),
  op({
    method: 'post',
    path: '/connect_sessions/authenticate',
    summary: 'Resolve a session token',
    tag: 'Connect sessions',
    auth: 'apiKey',
    body: authenticateSessionBody,
    ok: { status: 201, schema: connectSession },
    errors: [400, 401, 404],
  }),
  op({
    method: 'delete',
    path: '/connect_sessions/{id}',
    summary: 'Revoke a connect session now: its token and Auth Link stop working (ours)',
    tag: 'Connect sessions',
    auth: 'apiKey',
    ok: { status: 200, schema: revokedSession },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/accounts',
    summary: 'List linked accounts (bare array)',
    tag: 'Accounts',
    auth: 'apiKey',
    query: listAccountsQuery,
    ok: { status: 200, schema: z.array(linkedAccount) },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/accounts/{id}',
    summary: 'Get a linked account',
    tag: 'Accounts',
    auth: 'apiKey',
    ok: { status: 200, schema: linkedAccount },
    errors: [401, 404],
  }),
  op({
    method: 'patch',
    path: '/accounts/{id}',
    summary: 'Update a linked account',
    tag: 'Accounts',
    auth: 'apiKey',
    body: patchAccountSchema,
    ok: { status: 200, schema: linkedAccount },
    errors: [400, 401, 404],
  }),
  op({
    method: 'delete',
    path: '/accounts/{id}',
    summary: 'Delete a linked account (revokes provider tokens, best effort)',
    tag: 'Accounts',
    auth: 'apiKey',
    ok: { status: 200, schema: linkedAccount },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/accounts/{id}/meta',
    summary: 'Account meta',
    tag: 'Accounts',
    auth: 'apiKey',
    ok: { status: 200, schema: accountMeta },
    errors: [401, 404],
  }),
  op({
    method: 'post',
    path: '/accounts/{id}/suspend',
    summary: 'Suspend an account (status inactive)',
    tag: 'Accounts',
    auth: 'apiKey',
    ok: { status: 200, schema: linkedAccount },
    errors: [401, 404, 409],
  }),
  op({
    method: 'post',
    path: '/accounts/{id}/resume',
    summary: 'Resume a suspended account',
    tag: 'Accounts',
    auth: 'apiKey',
    ok: { status: 200, schema: linkedAccount },
    errors: [401, 404, 409],
  }),
  op({
    method: 'get',
    path: '/connectors/meta',
    summary: 'List connectors',
    tag: 'Connectors',
    auth: 'apiKey',
    ok: { status: 200, schema: z.array(connectorsMeta) },
    errors: [401],
  }),
  op({
    method: 'get',
    path: '/connectors/meta/{provider}',
    summary: 'Get a connector',
    tag: 'Connectors',
    auth: 'apiKey',
    ok: { status: 200, schema: connectorsMeta },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/connectors/logos/{key}',
    summary: 'A connector logo',
    tag: 'Connectors',
    auth: 'none',
    ok: { status: 200, contentType: 'image/svg+xml', description: 'Logo image' },
    errors: [404],
  }),
  op({
    method: 'post',
    path: '/connector_profiles',
    summary: 'Create a connector profile',
    tag: 'Connector profiles',
    auth: 'apiKey',
    body: createProfileSchema,
    ok: { status: 201, schema: connectorProfile },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/connector_profiles',
    summary: 'List connector profiles',
    tag: 'Connector profiles',
    auth: 'apiKey',
    ok: { status: 200, schema: z.array(connectorProfile) },
    errors: [401],
  }),
  op({
    method: 'get',
    path: '/connector_profiles/{id}',
    summary: 'Get a connector profile',
    tag: 'Connector profiles',
    auth: 'apiKey',
    ok: { status: 200, schema: connectorProfile },
    errors: [401, 404],
  }),
  op({
    method: 'patch',
    path: '/connector_profiles/{id}',
    summary: 'Update a connector profile',
    tag: 'Connector profiles',
    auth: 'apiKey',
    body: updateProfileSchema,
    ok: { status: 200, schema: connectorProfile },
    errors: [400, 401, 404],
  }),
  op({
    method: 'post',
    path: '/connector_profiles/{id}/check',
    summary: "Check setup: does the provider accept the profile's OAuth client?",
    tag: 'Connector profiles',
    auth: 'apiKey',
    ok: { status: 200, schema: profileCheck },
    errors: [401, 404],
  }),
  op({
    method: 'delete',
    path: '/connector_profiles/{id}',
    summary: 'Delete a connector profile',
    tag: 'Connector profiles',
    auth: 'apiKey',
    ok: { status: 200, schema: connectorProfile },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/project',
    summary: "The project's name and branding, as end users see it in the Hub (ours)",
    tag: 'Project',
    auth: 'apiKey',
    ok: { status: 200, schema: project },
    errors: [401],
  }),
  op({
    method: 'patch',
    path: '/project',
    summary: 'Change the project name or branding; a logo URL is fetched once and served by us (ours)',
    tag: 'Project',
    auth: 'apiKey',
    body: patchProjectSchema,
    ok: { status: 200, schema: project },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/project_logos/{project}/{sha}',
    summary: "A project's logo, as stored when it was set (ours)",
    tag: 'Project',
    auth: 'none',
    ok: { status: 200, contentType: 'image/png', description: 'Logo image (PNG, WebP, JPEG or GIF)' },
    errors: [404],
  }),
  op({
    method: 'post',
    path: '/webhooks',
    summary: 'Create a webhook endpoint (the secret is shown once)',
    tag: 'Webhooks',
    auth: 'apiKey',
    body: createEndpointSchema,
    ok: { status: 201, schema: createdWebhookEndpoint },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/webhooks',
    summary: 'List webhook endpoints',
    tag: 'Webhooks',
    auth: 'apiKey',
    ok: { status: 200, schema: z.array(webhookEndpoint) },
    errors: [401],
  }),
  op({
    method: 'get',
    path: '/webhooks/{id}',
    summary: 'Get a webhook endpoint',
    tag: 'Webhooks',
    auth: 'apiKey',
    ok: { status: 200, schema: webhookEndpoint },
    errors: [401, 404],
  }),
  op({
    method: 'patch',
    path: '/webhooks/{id}',
    summary: 'Update a webhook endpoint',
    tag: 'Webhooks',
    auth: 'apiKey',
    body: updateEndpointSchema,
    ok: { status: 200, schema: webhookEndpoint },
    errors: [400, 401, 404],
  }),
  op({
    method: 'delete',
    path: '/webhooks/{id}',
    summary: 'Delete a webhook endpoint',
    tag: 'Webhooks',
    auth: 'apiKey',
    ok: { status: 200, schema: webhookEndpoint },
    errors: [401, 404],
  }),
  op({
    method: 'post',
    path: '/webhooks/{id}/rotate_secret',
    summary: 'Rotate the signing secret (old one signs for 24 h more)',
    tag: 'Webhooks',
    auth: 'apiKey',
    ok: { status: 200, schema: rotatedSecret },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    summary: 'Delivery log',
    tag: 'Webhooks',
    auth: 'apiKey',
    query: listDeliveriesQuery,
    ok: { status: 200, schema: z.array(webhookDelivery) },
    errors: [400, 401, 404],
  }),
  op({
    method: 'post',
    path: '/webhooks/{id}/deliveries/{delivery_id}/redeliver',
    summary: 'Deliver again',
    tag: 'Webhooks',
    auth: 'apiKey',
    ok: { status: 200, schema: webhookDelivery },
    errors: [401, 404],
  }),
  op({
    method: 'post',
    path: '/unified/proxy',
    summary: 'Call the provider on a linked account (x-account-id)',
    tag: 'Proxy',
    auth: 'apiKey',
    body: proxyBodySchema,
    ok: { status: 200, schema: anyObject, description: 'The provider answer: {status, headers, data}' },
    errors: [400, 401, 404, 408, 409, 429, 502],
  }),
  op({
    method: 'get',
    path: '/proxy/{account_id}/{path}',
    summary: 'Raw streaming passthrough (any method)',
    tag: 'Proxy',
    auth: 'apiKey',
    ok: {
      status: 200,
      contentType: 'application/octet-stream',
      description: 'The provider response, streamed',
    },
    errors: [400, 401, 404, 408, 409, 502],
  }),
  op({
    method: 'get',
    path: '/actions',
    summary: 'List actions',
    tag: 'Actions',
    auth: 'apiKey',
    query: listActionsQuery,
    ok: { status: 200, schema: actionsMetaPage },
    errors: [400, 401],
  }),
  op({
    method: 'post',
    path: '/actions/search',
    summary: "Search the project's actions by relevance (what StackOne's agent SDK calls)",
    tag: 'Actions',
    auth: 'apiKey',
    body: actionSearchBody,
    ok: { status: 200, schema: actionSearchResponse },
    errors: [400, 401],
  }),
  op({
    method: 'post',
    path: '/actions/rpc',
    summary: 'Run an action (x-account-id)',
    tag: 'Actions',
    auth: 'apiKey',
    body: rpcBodySchema,
    ok: { status: 200, schema: rpcResponse },
    errors: [400, 401, 404, 409, 502],
  }),
  op({
    method: 'post',
    path: '/ai/tool-feedback',
    summary: "An agent's feedback on tools of a linked account (what StackOne's agent SDK sends)",
    tag: 'Agents',
    auth: 'apiKey',
    body: toolFeedbackBody,
    ok: { status: 200, schema: toolFeedbackReceipt },
    errors: [400, 401, 404],
  }),
  op({
    method: 'get',
    path: '/ai/tool-feedback',
    summary: "The project's tool feedback, newest first",
    tag: 'Agents',
    auth: 'apiKey',
    query: listToolFeedbackQuery,
    ok: { status: 200, schema: toolFeedbackPage },
    errors: [400, 401],
  }),
  op({
    method: 'post',
    path: '/mcp',
    summary: 'MCP (Streamable HTTP) JSON-RPC message',
    tag: 'MCP',
    auth: 'apiKey',
    body: anyObject,
    ok: { status: 200, schema: anyObject },
    errors: [400, 401, 404],
  }),
  op({
    method: 'get',
    path: '/mcp',
    summary: 'MCP server-to-client stream (finite)',
    tag: 'MCP',
    auth: 'apiKey',
    ok: { status: 200, description: 'Ends at once' },
    errors: [401],
  }),
  op({
    method: 'delete',
    path: '/mcp',
    summary: 'End an MCP session',
    tag: 'MCP',
    auth: 'apiKey',
    ok: { status: 200, description: 'Session ended' },
    errors: [401],
  }),
  op({
    method: 'get',
    path: '/requests/logs',
    summary: 'Request logs of proxy and action calls',
    tag: 'Request logs',
    auth: 'apiKey',
    query: listLogsQuery,
    ok: { status: 200, schema: requestLogPage },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/requests/logs/steps',
    summary: 'Provider requests (steps) of proxy and action calls',
    tag: 'Request logs',
    auth: 'apiKey',
    query: listLogsQuery,
    ok: { status: 200, schema: stepLogPage },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/accounts/{id}/events',
    summary:
      'Connector events of an account: mode, enabled events, its inbound URL, the secret (manual mode) and the provider subscription',
    tag: 'Connector events',
    auth: 'apiKey',
    ok: { status: 200, schema: accountEventsWire },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/inbound_deliveries',
    summary: "Providers' webhook deliveries received: the verification outcome and what each event became",
    tag: 'Connector events',
    auth: 'apiKey',
    query: inboundDeliveriesQuery,
    ok: { status: 200, schema: z.array(inboundDeliveryWire) },
    errors: [400, 401],
  }),
  op({
    method: 'post',
    path: '/events/inbound/{connector}/{token}',
    summary:
      "A provider's own webhook delivery for one linked account (the token is opaque); answered with the connector's acknowledgement once stored",
    tag: 'Connector events',
    auth: 'none',
    ok: { status: 200, description: "The connector's acknowledgement (JSON, or XML for Salesforce)" },
    errors: [401, 404, 413],
  }),
  op({
    method: 'get',
    path: '/connection_attempts',
    summary:
      'Link attempts (OAuth popups and API-token checks) with why they failed; bare array, numbered pages',
    tag: 'Connection attempts',
    auth: 'apiKey',
    query: listAttemptsQuery,
    ok: { status: 200, schema: z.array(connectionAttempt) },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/connection_attempts/count',
    summary: 'How many link attempts match the same filters',
    tag: 'Connection attempts',
    auth: 'apiKey',
    query: countAttemptsQuery,
    ok: { status: 200, schema: attemptCount },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/requests/platform-logs',
    summary: 'Platform logs: calls to the platform API itself (not provider calls)',
    tag: 'Request logs',
    auth: 'apiKey',
    query: listPlatformLogsQuery,
    ok: { status: 200, schema: platformLogPage },
    errors: [400, 401],
  }),
  op({
    method: 'get',
    path: '/requests/logs/{id}',
    summary: 'One request log with its upstream steps',
    tag: 'Request logs',
    auth: 'apiKey',
    ok: { status: 200, schema: requestLogResult },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/hub/settings',
    summary: 'Hub settings for the session',
    tag: 'Hub',
    auth: 'hubSession',
    ok: { status: 200, schema: hubSettings },
    errors: [401],
  }),
  op({
    method: 'get',
    path: '/hub/connectors',
    summary: 'Integrations the session may link',
    tag: 'Hub',
    auth: 'hubSession',
    ok: { status: 200, schema: z.object({ integrations: z.array(anyObject) }) },
    errors: [401],
  }),
  op({
    method: 'get',
    path: '/hub/connectors/{id}',
    summary: 'Connector config for the Hub form',
    tag: 'Hub',
    auth: 'hubSession',
    ok: { status: 200, schema: z.object({ config: anyObject }) },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/hub/accounts/{id}',
    summary: 'Account being edited (camelCase, secrets redacted)',
    tag: 'Hub',
    auth: 'hubSession',
    ok: { status: 200, schema: anyObject },
    errors: [401, 404],
  }),
  op({
    method: 'post',
    path: '/hub/accounts',
    summary: 'Link with credentials (test action first)',
    tag: 'Hub',
    auth: 'hubSession',
    body: hubAccountBody,
    ok: { status: 201, schema: hubLinkedAccount },
    errors: [400, 401, 404],
  }),
  op({
    method: 'get',
    path: '/hub/accounts/{id}/events_setup',
    summary:
      "After linking: the inbound URL and sign key to paste into the provider (manual events), with the connector's steps",
    tag: 'Hub',
    auth: 'hubSession',
    ok: { status: 200, schema: hubEventsSetup },
    errors: [401, 404],
  }),
  op({
    method: 'patch',
    path: '/hub/accounts/{id}',
    summary: 'Edit a linked account',
    tag: 'Hub',
    auth: 'hubSession',
    body: hubAccountBody,
    ok: { status: 200, schema: hubLinkedAccount },
    errors: [400, 401, 404],
  }),
  op({
    method: 'post',
    path: '/hub/connection_attempts',
    summary:
      'Start an OAuth connection attempt; with integration_id, redirect_uri and fields (ours) it also answers a one-time launch_url',
    tag: 'Hub',
    auth: 'hubSession',
    body: hubAttemptBody,
    ok: { status: 201, schema: hubAttempt },
    errors: [400, 401],
  }),
  op({
    method: 'put',
    path: '/hub/connection_attempts/{id}/launch',
    summary:
      "Seal the end user's fields with a pending attempt and answer the popup's one-time launch_url (ours)",
    tag: 'Hub',
    auth: 'hubSession',
    body: hubLaunchBody,
    ok: { status: 200, schema: hubAttempt },
    errors: [400, 401, 404],
  }),
  op({
    method: 'get',
    path: '/hub/connection_attempts/{id}',
    summary: 'Poll a connection attempt',
    tag: 'Hub',
    auth: 'hubSession',
    ok: { status: 200, schema: hubAttempt },
    errors: [401, 404],
  }),
  op({
    method: 'delete',
    path: '/hub/connection_attempts/{id}',
    summary: 'Cancel a connection attempt',
    tag: 'Hub',
    auth: 'hubSession',
    ok: { status: 200, schema: hubAttempt },
    errors: [401, 404],
  }),
  op({
    method: 'get',
    path: '/hub/link_status',
    summary: 'Whether the session token in x-hub-session-token is active, expired (and for whom) or unknown',
    tag: 'Hub',
    auth: 'none',
    ok: { status: 200, schema: hubLinkStatus },
    errors: [429],
  }),
  op({
    method: 'get',
    path: '/hub/branding',
    summary: "The project's branding and the session's language for the token in x-hub-session-token (ours)",
    tag: 'Hub',
    auth: 'none',
    ok: { status: 200, schema: hubBranding },
    errors: [429],
  }),
  op({
    method: 'get',
    path: '/connect/oauth2/{integration_id}',
    summary:
      'OAuth popup: redirect to the provider (token, connection_attempt_id, redirect_uri and fields in the query)',
    tag: 'OAuth',
    auth: 'none',
    ok: { status: 302, description: 'Redirect to the provider' },
    errors: [400, 401, 404],
  }),
  op({
    method: 'get',
    path: '/connect/oauth2/{provider}/callback',
    summary: 'OAuth redirect URI registered with providers',
    tag: 'OAuth',
    auth: 'none',
    ok: { status: 302, description: 'Redirect to the Hub callback page' },
    errors: [400],
  }),
  op({
    method: 'get',
    path: '/connect/oauth2/choices/{id}',
    summary:
      "The accounts a sign-in found, by name, for the end user to choose one (ours; the sign-in window's cookie)",
    tag: 'OAuth',
    auth: 'none',
    ok: { status: 200, schema: linkChoice },
    errors: [404],
  }),
  op({
    method: 'post',
    path: '/connect/oauth2/choices/{id}',
    summary: 'The end user chooses an account (an option index) or cancels; answered once (ours)',
    tag: 'OAuth',
    auth: 'none',
    body: linkChoiceAnswer,
    ok: { status: 200, schema: linkChoiceNext },
    errors: [400, 404],
  }),
  op({
    method: 'get',
    path: '/embedded/integrations',
    summary: 'The Auth Link page (?token=)',
    tag: 'Pages',
    auth: 'none',
    ok: { status: 200, contentType: 'text/html' },
  }),
  op({
    method: 'get',
    path: '/embedded/hub',
    summary: 'The Hub page framed by connect.js',
    tag: 'Pages',
    auth: 'none',
    ok: { status: 200, contentType: 'text/html' },
  }),
  op({
    method: 'get',
    path: '/embedded/accounts/callback',
    summary: 'OAuth popup landing page',
    tag: 'Pages',
    auth: 'none',
    ok: { status: 200, contentType: 'text/html' },
  }),
  op({
    method: 'get',
    path: '/stackone/connect.js',
    summary: 'connect.js for @stackone/react-hub',
    tag: 'Pages',
    auth: 'none',
    ok: { status: 200, contentType: 'text/javascript' },
  }),
];

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  404: 'Not found',
  408: 'Provider call timed out',
  409: 'Conflict (account not usable)',
  429: 'Too many requests',
  502: 'Provider failed',
  503: 'Not ready',
};

/** Named shapes (`.meta({id})`) go to components.schemas and are referenced from there. */
const components: Record<string, unknown> = {};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const raw = JSON.stringify(
    z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }),
  );
  const json = JSON.parse(raw.replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<
    string,
    unknown
  > & { $defs?: Record<string, unknown>; $schema?: string };
  const { $defs, $schema: _dialect, ...rest } = json;
  Object.assign(components, $defs ?? {});
  return rest;
}

function parameters(o: Operation) {
  const params: unknown[] = [...o.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (o.query) {
    const s = jsonSchema(o.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(s.properties ?? {}))
      params.push({ name, in: 'query', required: s.required?.includes(name) ?? false, schema });
  }
  if (o.path === '/unified/proxy' || o.path === '/actions/rpc' || o.path.startsWith('/mcp')) {
    params.push({
      name: 'x-account-id',
      in: 'header',
      required: o.path !== '/actions/rpc',
      schema: { type: 'string' },
    });
  }
  return params;
}

/** The error body as documented: its `code` is one of the domain codes `src/core/errors.ts` declares. */
const documentedErrorBody = errorBody
  .extend({
    code: z
      .enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]])
      .optional()
      .describe('What went wrong, as a stable code (docs/api.md lists them); absent on MCP transport errors'),
  })
  .meta({ id: 'Error' });

/** The OpenAPI 3.1 document, built from the same zod schemas the routes validate with. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = jsonSchema(documentedErrorBody, 'output');
  for (const o of OPERATIONS) {
    const responses: Record<string, unknown> = {
      [o.ok.status]: {
        description: o.ok.description ?? 'OK',
        ...(o.ok.schema
          ? {
              content: {
                [o.ok.contentType ?? 'application/json']: { schema: jsonSchema(o.ok.schema, 'output') },
              },
            }
          : o.ok.contentType
            ? { content: { [o.ok.contentType]: {} } }
            : {}),
      },
    };
    for (const code of o.errors ?? [])
      responses[code] = {
        description: STATUS_TEXT[code] ?? 'Error',
        content: { 'application/json': { schema: errorSchema } },
      };
    paths[o.path] ??= {};
    paths[o.path]![o.method] = {
      summary: o.summary,
      tags: [o.tag],
      operationId: `${o.method}_${o.path
        .replace(/[{}]/g, '')
        .replace(/[^A-Za-z0-9]+/g, '_')
        .replace(/^_|_$/g, '')}`,
      security: o.auth === 'apiKey' ? [{ apiKey: [] }] : o.auth === 'hubSession' ? [{ hubSession: [] }] : [],
      parameters: parameters(o),
      ...(o.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(o.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard API',
      version: '0.1.0',
      description:
        'Self-hostable integration hub, wire-compatible with StackOne. Authenticate with HTTP Basic: the API key as username, an empty password.',
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'basic', description: 'API key as the username, empty password' },
        hubSession: { type: 'apiKey', in: 'header', name: 'x-hub-session-token' },
      },
    },
    paths,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `/openapi.json` and a readable reference at `/docs` (server-rendered, no script). */
export function openApiRoutes(app: FastifyInstance, publicUrl: () => string) {
  let cached: { url: string; doc: ReturnType<typeof openApiDocument> } | null = null;
  const doc = () => {
    if (!cached || cached.url !== publicUrl())
      cached = { url: publicUrl(), doc: openApiDocument(publicUrl()) };
    return cached.doc;
  };
  app.get('/openapi.json', async () => doc());
  app.get('/docs', async (_req, reply) => {
    const d = doc();
    const byTag = new Map<string, string[]>();
    for (const o of OPERATIONS) {
      const rows = byTag.get(o.tag) ?? [];
      rows.push(
        `<tr><td><code class="m ${o.method}">${o.method.toUpperCase()}</code></td><td><code>${escapeHtml(o.path)}</code></td><td>${escapeHtml(o.summary)}</td><td>${o.auth === 'apiKey' ? 'API key' : o.auth === 'hubSession' ? 'Hub session' : '—'}</td><td>${[o.ok.status, ...(o.errors ?? [])].join(', ')}</td></tr>`,
      );
      byTag.set(o.tag, rows);
    }
    const sections = [...byTag]
      .map(
        ([tag, rows]) =>
          `<h2>${escapeHtml(tag)}</h2><table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Auth</th><th>Statuses</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      )
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(d.info.title)}</title>` +
          `<style>body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1f2328}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}code{font:13px ui-monospace,monospace}.m{font-weight:600}.get{color:#0a6e31}.post{color:#0550ae}.patch{color:#8a4600}.delete{color:#a40e26}@media(prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}td,th{border-color:#30363d}.get{color:#3fb950}.post{color:#79c0ff}.patch{color:#d29922}.delete{color:#ff7b72}}</style></head>` +
          `<body><h1>${escapeHtml(d.info.title)}</h1><p>${escapeHtml(d.info.description)} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>${sections}</body></html>`,
      );
  });
}
