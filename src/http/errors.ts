import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError, invalidInput } from '../core/errors.js';

/** The one place errors become wire bodies: `{statusCode, message, timestamp, code}` (+ evidence on 400). */
export function errorBody(err: AppError, now: Date) {
  const body: Record<string, unknown> = {
    statusCode: err.status,
    message: err.message,
    timestamp: now.toISOString(),
    code: err.code,
  };
  if (err.provider) {
    body.provider_errors = [
      {
        status: err.provider.status ?? null,
        url: err.provider.url ?? null,
        raw: err.provider.raw ?? {
          error: err.provider.error,
          error_description: err.provider.error_description,
          body: err.provider.body_excerpt,
        },
        headers: err.provider.headers ?? null,
      },
    ];
    body.provider_response =
      err.provider.body_excerpt ?? err.provider.error_description ?? err.provider.error ?? null;
  }
  if (err.details) body.data = { statusCode: err.status, message: err.message, ...err.details };
  return body;
}

const FASTIFY_STATUS_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type: send application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty: send a JSON object',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
};

/** Maps anything thrown in a handler to an AppError; unexpected errors become an opaque 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // PostgreSQL "data exception" (class 22): input the database cannot store is the caller's error.
  const pgCode = (err as { code?: unknown })?.code;
  if (typeof pgCode === 'string' && /^22[0-9A-Z]{3}$/.test(pgCode))
    return new AppError('INVALID_INPUT', 'Invalid input', { cause: err });
  // Insufficient resources (53100 disk full, 53200 out of memory, 53300 too many connections).
  if (typeof pgCode === 'string' && pgCode.startsWith('53')) {
    return new AppError(
      'DATABASE_UNAVAILABLE',
      pgCode === '53100'
        ? 'The database is out of disk space'
        : 'The database is overloaded: try again shortly',
      { cause: err },
    );
  }
  const fe = err as FastifyError;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const message =
      FASTIFY_STATUS_MESSAGES[fe.code] ??
      (err instanceof SyntaxError ? 'Request body is not valid JSON' : 'Bad request');
    if (fe.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE', message);
    if (fe.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', message);
    return new AppError('MALFORMED_REQUEST', message, { status: fe.statusCode });
  }
  return new AppError('INTERNAL', 'Internal server error', { cause: err });
}

export function sendError(reply: FastifyReply, err: AppError, now: Date) {
  // A provider's rate limit passed on keeps its Retry-After, so the caller (and the SDK) can wait.
  const retryAfter = err.status === 429 ? err.provider?.headers?.['retry-after'] : undefined;
  if (retryAfter) reply.header('retry-after', retryAfter);
  return reply.status(err.status).type('application/json').send(errorBody(err, now));
}

export function errorHandler(clock: () => Date) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: appErr.code, status: appErr.status }, appErr.message);
    return sendError(reply, appErr, clock());
  };
}

/** Parses input with a zod schema; the first problem becomes a 400 naming the field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' = 'body',
): z.infer<S> {
  if (where === 'body' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw invalidInput('Request body must be a JSON object');
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue.message;
  throw invalidInput(field ? `${field}: ${message}` : message, field ? { field } : undefined);
}

/** Deeper JSON than this is refused: no API here needs it, and deep nesting is a cheap DoS. */
export const MAX_JSON_DEPTH = 64;

/**
 * What is wrong with an input value, if anything: a NUL character in a string or key
 * (PostgreSQL text cannot hold one) or nesting deeper than MAX_JSON_DEPTH. Iterative, so a
 * hostile depth cannot overflow the stack.
 */
export function inputProblem(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'Input must not contain NUL characters';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `JSON is nested deeper than ${MAX_JSON_DEPTH} levels`;
    for (const [k, child] of Object.entries(v)) {
      if (k.includes('\u0000')) return 'Input must not contain NUL characters';
      stack.push([child, depth + 1]);
    }
  }
  return null;
}
