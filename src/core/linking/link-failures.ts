import { AppError } from '../errors.js';

import { LINK_FAILURE_REASONS, type LinkFailureReason } from '../../contract/attempts.js';

export { LINK_FAILURE_REASONS, type LinkFailureReason };

const BY_CODE: Record<string, LinkFailureReason> = {
  access_denied: 'consent_denied',
  consent_required: 'consent_denied',
  invalid_client: 'invalid_client',
  unauthorized_client: 'invalid_client',
  invalid_grant: 'token_exchange_failed',
  token_error: 'token_exchange_failed',
  temporarily_unavailable: 'provider_unreachable',
  test_failed: 'credentials_rejected',
  invalid_fields: 'invalid_fields',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
  expired: 'expired',
  configuration: 'misconfigured',
  integration_unavailable: 'misconfigured',
  invalid_instance: 'misconfigured',
  bad_request: 'misconfigured',
  not_found: 'misconfigured',
};

/** The reason for an attempt's error code (an OAuth `error`, or one of ours); anything else is `provider_error`. */
export function reasonForCode(code: string | null | undefined): LinkFailureReason {
  return (code && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined) ?? 'provider_error';
}

/**
 * The reason for an error thrown while checking credentials with the provider (`runTestAction`):
 * no answer or a 5xx is the provider's trouble, another refusal is the credentials', and a
 * refusal before any call (a URL the connector does not own, no base URL) is the profile's.
 */
export function reasonForError(err: unknown): LinkFailureReason {
  if (!(err instanceof AppError)) return 'provider_unreachable';
  if (err.attemptCode !== 'provider_error') return 'misconfigured';
  const status = err.provider?.status;
  if (status === undefined || status >= 500) return 'provider_unreachable';
  return 'credentials_rejected';
}

const MIN_SECRET_LENGTH = 4;
const MAX_DESCRIPTION = 1000;

/**
 * A description safe to store: every value the end user submitted (and the stored ones an edit
 * started from) is cut out wherever it appears, longest first so that a value containing another
 * is removed whole. Very short values are left, or every "a" would vanish from the text.
 */
export function redactDescription(description: string, submitted: readonly unknown[]): string {
  const plain = submitted
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map(String);
  // Also as they travel: percent-encoded in a URL a provider echoes back.
  const values = [...new Set(plain.flatMap((v) => [v, encodeURIComponent(v)]))]
    .filter((v) => v.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = description;
  for (const v of values) out = out.split(v).join('[redacted]');
  return out.slice(0, MAX_DESCRIPTION);
}
