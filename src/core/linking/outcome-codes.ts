/**
 * The codes Switchboard itself writes on a connection attempt (`error.code` / `error_code`) and on
 * an account (`status_reasons[].code`), each with its meaning. docs/api.md lists them from here
 * (`scripts/error-docs.ts`). Besides these, an attempt may carry the provider's own OAuth `error`
 * (`access_denied`, `invalid_client`, …), a connector's preflight rule code, or a status-named
 * error code (`bad_request`, `not_found`, `conflict`, …, see `attemptCodeOf` in `core/errors.ts`).
 */

export const ATTEMPT_ERRORS = {
  invalid_fields: "The end user's fields were refused before the provider was called.",
  token_error: 'The token endpoint could not be reached or answered unexpectedly.',
  invalid_response: "The provider's authorization response carried no code.",
  invalid_instance: 'The provider returned an API host (`instance_url`) the connector does not own.',
  test_failed: "The connector's test action refused the new credentials.",
  discovery_failed: "The connector's post-auth discovery call failed or found no account to link.",
  invalid_signature: "The provider's redirect to the callback had no valid signature (`callback_hmac`).",
  configuration: 'A URL or the OAuth client of the connector profile is not usable.',
  integration_unavailable: 'The connector profile was deleted or changed during the sign-in.',
  session_expired: 'The connect session expired before the sign-in finished.',
  interrupted: 'The server stopped in the middle of the callback.',
  cancelled: 'The end user closed the popup.',
  expired: 'Nobody finished the popup within its lifetime.',
  unreachable: 'The provider could not be reached to check API-token credentials.',
  'http_<status>': 'The provider answered the credential check with this HTTP status.',
} as const;
export type AttemptErrorCode = keyof typeof ATTEMPT_ERRORS;

export const STATUS_REASONS = {
  suspended: 'A project admin suspended the account.',
  no_refresh_token: 'The provider issued no refresh token: the account must be reconnected.',
  invalid_grant: 'The provider refused the refresh token (revoked or expired).',
  invalid_client: 'The provider no longer accepts the OAuth client.',
  unauthorized_client: 'The OAuth client may not use the refresh grant any more.',
  unsupported_grant_type: 'The provider does not support the refresh grant.',
  'http_<status>': "The provider refused the account's credentials (401 or 403) in a periodic check.",
} as const;
export type StatusReasonCode = keyof typeof STATUS_REASONS;
