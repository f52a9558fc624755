import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { LINK_FAILURE_REASONS } from '../core/linking/link-failures.js';

/** Response shapes for the OpenAPI document (requests use the same zod schemas the routes parse with). */
const iso = z.string().meta({ format: 'date-time' });

export const errorBody = z
  .object({
    statusCode: z.number().int(),
    message: z.string(),
    timestamp: iso,
    code: z
      .enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]])
      .optional()
      .describe('What went wrong, as a stable code (docs/api.md lists them); absent on MCP transport errors'),
    data: z.record(z.string(), z.unknown()).optional(),
    provider_errors: z
      .array(
        z.object({
          status: z.number().nullable(),
          url: z.string().nullable(),
          raw: z.unknown(),
          headers: z.unknown(),
        }),
      )
      .optional(),
    provider_response: z.string().nullable().optional(),
  })
  .meta({ id: 'Error' });

const statusReason = z.object({
  code: z.string().nullable(),
  description: z.string().nullable(),
  timestamp: iso,
});

export const linkedAccount = z
  .object({
    id: z.string(),
    provider: z.string(),
    provider_name: z.string(),
    integration_id: z.string().nullable(),
    origin_owner_id: z.string(),
    origin_owner_name: z.string(),
    origin_username: z.string().nullable(),
    label: z.string().nullable(),
    type: z.string(),
    environment: z.string().nullable(),
    status: z.enum(['active', 'inactive', 'error']),
    status_reasons: z.array(statusReason),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    setup_information: z.record(z.string(), z.string()),
    credentials: z
      .record(z.string(), z.string())
      .meta({ description: 'End-user secrets, redacted as __secretvalue:**redacted**<last 4>' }),
    created_at: iso,
    updated_at: iso,
  })
  .meta({ id: 'LinkedAccount' });

export const connectSession = z
  .object({
    id: z.number().int(),
    organization_id: z.number().int(),
    project_id: z.string(),
    origin_owner_id: z.string(),
    origin_owner_name: z.string(),
    origin_username: z.string().nullable(),
    account_id: z.string().nullable(),
    provider: z.string().nullable(),
    categories: z.array(z.string()).nullable(),
    label: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    multiple: z.boolean(),
    type: z.string(),
    created_at: iso,
    expires_at: iso,
  })
  .meta({ id: 'ConnectSession' });

export const connectSessionWithToken = connectSession
  .extend({ token: z.string(), auth_link_url: z.string() })
  .meta({ id: 'ConnectSessionTokenAuthLink' });

export const connectorsMeta = z
  .object({
    provider: z.string(),
    provider_name: z.string(),
    category: z.string(),
    categories: z.array(z.string()),
    active: z.boolean(),
    models: z.record(z.string(), z.unknown()),
    resources: z.object({ images: z.object({ logo_url: z.string().nullable() }) }),
  })
  .meta({ id: 'ConnectorsMeta' });

export const accountMeta = z
  .object({
    provider: z.string(),
    provider_name: z.string(),
    category: z.string(),
    models: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'LinkedAccountMeta' });

export const connectorProfile = z
  .object({
    id: z.string(),
    provider: z.string(),
    provider_name: z.string(),
    label: z.string(),
    environment: z.string(),
    setup: z.record(z.string(), z.string()),
    enabled_actions: z.array(z.string()).nullable(),
    overrides: z.record(z.string(), z.string().nullable()),
    pkce: z.boolean(),
    default: z.boolean(),
    active: z.boolean(),
    created_at: iso,
    updated_at: iso,
  })
  .meta({ id: 'ConnectorProfile' });

export const webhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    active: z.boolean(),
    created_at: iso,
    updated_at: iso,
  })
  .meta({ id: 'WebhookEndpoint' });

export const webhookDelivery = z
  .object({
    id: z.string(),
    event_id: z.string(),
    event: z.string().nullable(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: iso.nullable(),
    created_at: iso,
    delivered_at: iso.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const attemptResult = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'authenticated', 'error', 'cancelled', 'expired']),
    account: z.object({ id: z.string() }).nullable(),
    error: z.object({ code: z.string(), description: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'ConnectionAttempt' });

/** StackOne's `PlatformLog`: one call to the platform API (`id` is ours). */
export const platformLog = z
  .object({
    id: z.string(),
    request_id: z.string(),
    project_id: z.string(),
    account_id: z.string().nullable(),
    category: z.string(),
    action: z.string(),
    resource: z.string().nullable(),
    sub_resource: z.string().nullable(),
    child_resource: z.null(),
    http_method: z.string(),
    path: z.string(),
    url: z
      .string()
      .meta({ description: 'The path and the names of query parameters; values are never stored' }),
    status: z.number().int(),
    success: z.boolean(),
    duration: z.number().meta({ description: 'Milliseconds' }),
    source_id: z.null(),
    source_ip: z.string().nullable(),
    source_type: z.enum(['api', 'dashboard']),
    source_value: z.null(),
    start_time: iso,
    end_time: iso,
    event_datetime: iso,
  })
  .meta({ id: 'PlatformLog' });

export const anyObject = z.record(z.string(), z.unknown());

/** `GET /connection_attempts` items. */
export const connectionAttempt = z
  .object({
    id: z.string(),
    provider: z.string().nullable(),
    integration_id: z.string().nullable(),
    integration_label: z.string().nullable(),
    method: z.enum(['oauth2', 'api_token']),
    origin_owner_id: z.string(),
    origin_owner_name: z.string(),
    origin_username: z.string().nullable(),
    status: z.enum(['pending', 'authenticated', 'error', 'cancelled', 'expired']),
    error: z
      .object({
        code: z.enum(LINK_FAILURE_REASONS).describe('Why the attempt ended without an account (closed set)'),
        description: z.string().describe('What happened, in words; never contains the submitted credentials'),
        provider_code: z
          .string()
          .nullable()
          .describe("The provider's own word: an OAuth error, or http_<status> of the credential check"),
      })
      .nullable(),
    account_id: z.string().nullable(),
    created_at: iso,
    ended_at: iso.nullable(),
  })
  .meta({ id: 'ConnectionAttempt' });
