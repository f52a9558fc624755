/**
 * One error model for the whole server: a domain `code` declared once in `ERRORS` (with the HTTP
 * status it maps to and, where the Hub shows it to an end user, that message), a human message,
 * and optional evidence. Mapped to the wire shape in `src/http/errors.ts` only.
 */

/**
 * The status-named codes a connection attempt records as `error_code` and the Hub's popup redirect
 * carries (`?error=conflict`): kept as they were, since the Hub and integrators read them.
 */
export type LegacyErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'provider_error'
  | 'internal';

interface ErrorDefinition {
  /** The HTTP status every error with this code answers with. */
  readonly status: number;
  /** What it means, one line (rendered into docs/api.md). */
  readonly meaning: string;
  /** The end-user message, where the Hub shows this error as it is. */
  readonly message?: string;
  /** The status comes from elsewhere (a provider's or the HTTP framework's 4xx); `status` is the default. */
  readonly passThrough?: true;
  /** The status-named code a connection attempt records for it, when the status does not say it. */
  readonly legacy?: LegacyErrorCode;
}

const defineErrors = <const T extends Record<string, ErrorDefinition>>(defs: T): T => Object.freeze(defs);

export const ERRORS = defineErrors({
  INVALID_INPUT: { status: 400, meaning: 'A field, header or query parameter is missing or not valid.' },
  MALFORMED_REQUEST: {
    status: 400,
    passThrough: true,
    meaning: 'The request cannot be read: a malformed URL or body, or a refused content length.',
  },
  URI_TOO_LONG: { status: 414, legacy: 'bad_request', meaning: 'A path parameter is too long.' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The request body is not JSON.' },
  ATTEMPT_NOT_PENDING: { status: 400, meaning: 'The connection attempt has already ended.' },
  PROFILE_MISCONFIGURED: {
    status: 400,
    meaning: "The connector profile's URLs cannot be used (missing, or a placeholder is not set).",
  },
  URL_NOT_ALLOWED: {
    status: 400,
    meaning: 'A provider URL is refused by the network policy (a private address, credentials, not https).',
  },
  HOST_NOT_OWNED: { status: 400, meaning: 'A URL points at a host the connector does not own.' },
  CREDENTIALS_REJECTED: {
    status: 400,
    legacy: 'provider_error',
    meaning: "The provider refused the credentials in the connector's test action.",
  },
  CREDENTIALS_UNCHECKED: {
    status: 400,
    legacy: 'provider_error',
    meaning: "The provider could not be reached to run the connector's test action.",
  },
  UNAUTHORIZED: { status: 401, meaning: 'No API key, or one that is not valid.' },
  INBOUND_UNVERIFIED: {
    status: 401,
    legacy: 'unauthorized',
    meaning:
      "A provider delivery failed the connector's checks (signature, secret, organisation); nothing was stored.",
  },
  ADMIN_SESSION_REQUIRED: { status: 401, meaning: 'The dashboard session is missing or has ended.' },
  ADMIN_KEY_INVALID: { status: 401, meaning: 'The API key given to sign in to the dashboard is not valid.' },
  SESSION_TOKEN_INVALID: {
    status: 401,
    meaning: 'The connect session token is missing, expired or belongs to another session.',
  },
  METRICS_TOKEN_INVALID: { status: 401, meaning: '/metrics was asked for without its token.' },
  CSRF_TOKEN_INVALID: { status: 403, meaning: 'A dashboard request lacks its CSRF header.' },
  ACTION_NOT_ENABLED: {
    status: 403,
    meaning: "The action is not enabled on the account's connector profile.",
  },
  PROVIDER_CREDENTIALS_REFUSED: {
    status: 403,
    legacy: 'provider_error',
    meaning: "The provider answered 401 to the account's credentials.",
  },
  ROUTE_NOT_FOUND: { status: 404, meaning: 'No such route or page.' },
  ACCOUNT_NOT_FOUND: { status: 404, meaning: 'No such linked account in this project.' },
  CONNECT_SESSION_NOT_FOUND: { status: 404, meaning: 'No such connect session in this project.' },
  CONNECTOR_NOT_FOUND: { status: 404, meaning: 'No such connector is installed.' },
  CONNECTOR_PROFILE_NOT_FOUND: { status: 404, meaning: 'No such connector profile in this project.' },
  INTEGRATION_NOT_FOUND: { status: 404, meaning: 'The connect session does not offer this integration.' },
  ATTEMPT_NOT_FOUND: { status: 404, meaning: 'No such connection attempt in this session.' },
  ACTION_NOT_FOUND: { status: 404, meaning: 'No such action.' },
  LINK_CHOICE_NOT_FOUND: {
    status: 404,
    meaning:
      'No account choice is waiting for this browser: it expired, was already made, or was opened in another browser.',
  },
  WEBHOOK_NOT_FOUND: { status: 404, meaning: 'No such webhook endpoint.' },
  INBOUND_NOT_FOUND: {
    status: 404,
    meaning:
      'No linked account has this inbound events address (the account was deleted, or the URL is mistyped).',
  },
  DELIVERY_NOT_FOUND: { status: 404, meaning: 'No such webhook delivery.' },
  REQUEST_LOG_NOT_FOUND: { status: 404, meaning: 'No such request log.' },
  ASSET_NOT_FOUND: {
    status: 404,
    meaning: 'A web asset or logo is missing (the web build may not have run).',
  },
  UPLOAD_STALLED: {
    status: 408,
    legacy: 'bad_request',
    meaning: 'A streamed upload sent no data for too long.',
  },
  PROVIDER_TIMEOUT: {
    status: 408,
    legacy: 'provider_error',
    meaning: 'The provider did not answer within the call lifetime.',
  },
  ACCOUNT_SUSPENDED: { status: 409, meaning: 'The account is suspended.' },
  ACCOUNT_NEEDS_RECONNECT: {
    status: 409,
    meaning: 'The account has no usable credentials: the end user must reconnect it.',
  },
  ACCOUNT_PROFILE_GONE: { status: 409, meaning: "The account's connector profile was deleted." },
  ACCOUNT_IN_ERROR: { status: 409, meaning: 'The account is in error, not suspended: it cannot be resumed.' },
  ATTEMPT_CLOSED: {
    status: 409,
    meaning: 'The connection attempt was cancelled or expired while it was being completed.',
  },
  AUTH_RATE_LIMITED: { status: 429, meaning: 'Too many failed authentication attempts from this address.' },
  ATTEMPT_RATE_LIMITED: {
    status: 429,
    message: 'Too many sign-in attempts: wait a few minutes, then try again',
    meaning: 'Too many connection attempts in this session.',
  },
  CONCURRENCY_LIMITED: { status: 429, meaning: 'Too many calls to the provider are already in flight.' },
  PROVIDER_REJECTED: {
    status: 400,
    passThrough: true,
    legacy: 'provider_error',
    meaning: "The provider answered with a 4xx; that status is passed on with the provider's message.",
  },
  PROVIDER_UNREACHABLE: {
    status: 502,
    legacy: 'provider_error',
    meaning: 'The provider could not be reached (DNS, connection).',
  },
  PROVIDER_BAD_RESPONSE: {
    status: 502,
    legacy: 'provider_error',
    meaning: 'The provider answered in a way that cannot be used: not JSON, too large, an unowned redirect.',
  },
  PROVIDER_ERROR: {
    status: 502,
    legacy: 'provider_error',
    meaning: 'The provider failed (a 5xx, or a refresh that did not succeed).',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    legacy: 'internal',
    meaning: 'The database is out of disk space or overloaded.',
  },
  INTERNAL: { status: 500, meaning: 'An unexpected error (details are in the server log).' },
});

/** A domain error code, as the wire error body's `code` carries it. */
export type ErrorCode = keyof typeof ERRORS;
/** Every code, in declaration order (the OpenAPI enum and the docs are generated from it). */
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

type PassThroughCode = {
  [K in ErrorCode]: (typeof ERRORS)[K] extends { passThrough: true } ? K : never;
}[ErrorCode];

const LEGACY_BY_STATUS: Record<number, LegacyErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal',
};

/** The status-named code a connection attempt records for an error code (`bad_request`, `conflict`, …). */
export function attemptCodeOf(code: ErrorCode): LegacyErrorCode {
  const def: ErrorDefinition = ERRORS[code];
  return def.legacy ?? LEGACY_BY_STATUS[def.status] ?? 'bad_request';
}

/** Whether a string is one of the domain error codes. */
export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERRORS, code);

/** Evidence from a provider call, kept redacted. */
export interface ProviderEvidence {
  status?: number;
  url?: string;
  /** OAuth `error` / `error_description`, or the provider's own message. */
  error?: string;
  error_description?: string;
  /** A short, redacted excerpt of the provider's response body. */
  body_excerpt?: string;
  /** The provider's (redacted) response body and headers, when a proxied call passes them on. */
  raw?: unknown;
  headers?: Record<string, string>;
}

interface ErrorOptions {
  details?: Record<string, unknown>;
  provider?: ProviderEvidence;
  cause?: unknown;
}

export class AppError extends Error {
  /** The domain code, which the wire body's `code` carries. */
  readonly code: ErrorCode;
  /** The status-named code a connection attempt records for this error (`bad_request`, `conflict`, …). */
  readonly attemptCode: LegacyErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly provider: ProviderEvidence | undefined;

  /** The message defaults to the code's end-user message, where it has one. */
  constructor(code: Exclude<ErrorCode, PassThroughCode>, message?: string, opts?: ErrorOptions);
  /** A code whose status comes from elsewhere: a provider's or the HTTP framework's 4xx. */
  constructor(code: PassThroughCode, message: string, opts: ErrorOptions & { status?: number });
  constructor(code: ErrorCode, message?: string, opts: ErrorOptions & { status?: number } = {}) {
    const def: ErrorDefinition = ERRORS[code];
    super(
      message ?? def.message ?? def.meaning,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.name = 'AppError';
    this.code = code;
    this.attemptCode = attemptCodeOf(code);
    this.status = opts.status ?? def.status;
    this.details = opts.details;
    this.provider = opts.provider;
  }
}

/** An INVALID_INPUT error (400), naming the field in `details` when there is one. */
export const invalidInput = (message: string, details?: Record<string, unknown>) =>
  new AppError('INVALID_INPUT', message, details ? { details } : {});
