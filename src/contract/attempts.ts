import { z } from 'zod';
import { commaList, iso, last } from './common.js';

/**
 * Why a link attempt did not end with an account: a closed set, so that dashboards, alerts and
 * the `switchboard_link_failures_total` metric can rely on it (and its label stays bounded).
 * The provider's own word (`access_denied`, `invalid_grant`, an HTTP status) is kept beside it
 * as evidence, never as the reason.
 */
export const LINK_FAILURE_REASONS = [
  /** The provider refused the credentials the end user entered or the tokens it issued (test action 4xx). */
  'credentials_rejected',
  /** The provider did not answer, timed out or failed with 5xx. */
  'provider_unreachable',
  /** The end user declined consent on the provider's page (`access_denied`). */
  'consent_denied',
  /** The provider does not know the OAuth client or refuses it (`invalid_client`, `unauthorized_client`). */
  'invalid_client',
  /** The authorization code could not be exchanged for tokens (`invalid_grant`, an unexpected token answer). */
  'token_exchange_failed',
  /** The provider reported another OAuth error (`invalid_scope`, `server_error`, no code returned…). */
  'provider_error',
  /** The end user's fields were refused before the provider was called. */
  'invalid_fields',
  /** The connector profile cannot work as set up: a URL, client id or scope problem, or the profile is gone. */
  'misconfigured',
  /** The server stopped mid-way through the callback. */
  'interrupted',
  /** The end user closed the popup. */
  'cancelled',
  /** Nobody finished the popup within its lifetime. */
  'expired',
] as const;
export type LinkFailureReason = (typeof LINK_FAILURE_REASONS)[number];

export const ATTEMPT_STATUSES = ['pending', 'authenticated', 'error', 'cancelled', 'expired'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

const list = commaList(200);
const enumList = <T extends readonly [string, ...string[]]>(values: T, field: string) =>
  list.refine(
    (v) => !v || v.every((s) => (values as readonly string[]).includes(s)),
    `${field} must be one of ${values.join(', ')}`,
  );

/**
 * `GET /connection_attempts`: filters combine with AND; a list filter (`status=error,cancelled`)
 * matches any of its values. Newest first, numbered pages.
 */
export const listAttemptsQuery = z.object({
  status: enumList(ATTEMPT_STATUSES, 'status'),
  reason: enumList(LINK_FAILURE_REASONS, 'reason'),
  provider: list,
  integration_id: list,
  origin_owner_id: last(z.string().max(255).optional()),
  start_date: last(z.iso.datetime({ offset: true }).optional()),
  end_date: last(z.iso.datetime({ offset: true }).optional()),
  page: last(z.coerce.number().int().min(1).max(100_000).default(1)),
  page_size: last(z.coerce.number().int().min(1).max(100).default(25)),
});
export type ListAttemptsQuery = z.infer<typeof listAttemptsQuery>;
export const countAttemptsQuery = listAttemptsQuery.omit({ page: true, page_size: true });

/** `GET /connection_attempts` items: a link attempt and, when it ended without an account, why. */
export const connectionAttempt = z
  .strictObject({
    id: z.string(),
    provider: z.string().nullable(),
    integration_id: z.string().nullable(),
    integration_label: z.string().nullable(),
    method: z.enum(['oauth2', 'api_token']),
    origin_owner_id: z.string(),
    origin_owner_name: z.string(),
    origin_username: z.string().nullable(),
    status: z.enum(ATTEMPT_STATUSES),
    error: z
      .strictObject({
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
export type ConnectionAttempt = z.infer<typeof connectionAttempt>;

/** `GET /connection_attempts/count`. */
export const attemptCount = z.strictObject({ count: z.number().int() });

/** The Hub's view of one attempt (`/hub/connection_attempts`), as StackOne's Hub polls it. */
export const hubAttempt = z
  .strictObject({
    id: z.string(),
    status: z.enum(ATTEMPT_STATUSES),
    account: z.strictObject({ id: z.string() }).nullable(),
    error: z.strictObject({ code: z.string(), description: z.string().nullable() }).nullable(),
    launch_url: z.string().optional(),
  })
  .meta({ id: 'HubConnectionAttempt' });
export type HubAttempt = z.infer<typeof hubAttempt>;
