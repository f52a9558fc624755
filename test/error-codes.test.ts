import { readFileSync } from 'node:fs';
import { StackOne } from '@stackone/stackone-client-ts';
import { HTTPClient } from '@stackone/stackone-client-ts/lib/http.js';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { describe, expect, it } from 'vitest';
import { DOCS_PATH, renderDocs } from '../scripts/error-docs.js';
import { AppError, attemptCodeOf, ERROR_CODES, ERRORS } from '../src/core/errors.js';
import { errorBody, toAppError } from '../src/http/errors.js';
import { openApiDocument } from '../src/http/openapi.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');

/** An SDK whose every request is answered with `status` and the wire body of `err`. */
const answering = (err: AppError) =>
  new StackOne({
    serverURL: 'http://switchboard.test',
    security: { username: 'key', password: '' },
    retryConfig: { strategy: 'none' },
    httpClient: new HTTPClient({
      fetcher: async () =>
        new Response(JSON.stringify(errorBody(err, NOW)), {
          status: err.status,
          headers: { 'content-type': 'application/json' },
        }),
    }),
  });

describe('error codes', () => {
  it('puts the domain code on the wire body beside the contract fields', () => {
    expect(errorBody(new AppError('ACCOUNT_NOT_FOUND', 'Account not found'), NOW)).toEqual({
      statusCode: 404,
      message: 'Account not found',
      timestamp: '2026-01-01T00:00:00.000Z',
      code: 'ACCOUNT_NOT_FOUND',
    });
    expect(toAppError(new Error('boom'))).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('derives the status from the code, and a pass-through code keeps the status it is given', () => {
    expect(new AppError('PROVIDER_TIMEOUT', 'x').status).toBe(408);
    expect(new AppError('PROVIDER_UNREACHABLE', 'x').status).toBe(502);
    expect(new AppError('PROVIDER_REJECTED', 'x', { status: 422 }).status).toBe(422);
    expect(new AppError('ATTEMPT_RATE_LIMITED')).toMatchObject({
      status: 429,
      message: ERRORS.ATTEMPT_RATE_LIMITED.message,
    });
  });

  it('records each code on attempts under the status-named code it had before', () => {
    expect(attemptCodeOf('ATTEMPT_CLOSED')).toBe('conflict');
    expect(attemptCodeOf('PROFILE_MISCONFIGURED')).toBe('bad_request');
    expect(attemptCodeOf('CREDENTIALS_REJECTED')).toBe('provider_error');
    expect(attemptCodeOf('INTEGRATION_NOT_FOUND')).toBe('not_found');
    expect(attemptCodeOf('UPLOAD_STALLED')).toBe('bad_request');
  });

  it.each([
    ['ACCOUNT_NOT_FOUND', errors.NotFoundResponse],
    ['INVALID_INPUT', errors.BadRequestResponse],
    ['ACCOUNT_SUSPENDED', errors.ConflictResponse],
  ] as const)('the official SDK still parses an error body carrying code %s', async (code, type) => {
    const sdk = answering(new AppError(code, 'Refused for the test'));
    const err = await sdk.accounts.getAccount({ id: 'acc_1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as errors.NotFoundResponse).statusCode).toBe(ERRORS[code].status);
    expect((err as errors.NotFoundResponse).message).toBe('Refused for the test');
  });

  it('lists every code in the OpenAPI error schema', () => {
    const doc = openApiDocument('http://switchboard.test') as unknown as {
      components: { schemas: { Error: { properties: { code: { enum: string[] } } } } };
    };
    expect(doc.components.schemas.Error.properties.code.enum).toEqual(ERROR_CODES);
  });

  it('docs/api.md lists the codes as the sources declare them (run npx tsx scripts/error-docs.ts)', () => {
    const doc = readFileSync(DOCS_PATH, 'utf8');
    expect(renderDocs(doc)).toBe(doc);
    for (const code of ERROR_CODES) expect(doc).toContain(`| \`${code}\``);
  });
});
