/**
 * One error model for the whole server: a stable `code`, the HTTP status it maps to, a
 * human message, and optional evidence. Mapped to the wire shape in `src/http/errors.ts` only.
 */
export type ErrorCode =
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

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  provider_error: 400,
  internal: 500,
};

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

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly provider: ProviderEvidence | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: {
      details?: Record<string, unknown>;
      provider?: ProviderEvidence;
      cause?: unknown;
      status?: number;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? STATUS[code];
    this.details = opts.details;
    this.provider = opts.provider;
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError('bad_request', message, details ? { details } : {});
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const unauthorized = (message = 'Unauthorized') => new AppError('unauthorized', message);
